"""The HTTP engine: libcurl's multi interface driven by the gevent hub, without monkey-patching.

libcurl tells us, through two callbacks, which sockets to watch (``M_SOCKETFUNCTION``) and when to
wake it (``M_TIMERFUNCTION``); we map those onto libev io and timer watchers of the hub, and call
``socket_action`` when they fire. libcurl then does everything else — DNS on its own thread,
connect, TLS, redirects, decompression, the total deadline — and times every phase.

Rules of the road (they are why this file looks the way it does):

* Callbacks run inside the hub: nothing here may block or switch greenlets.
* libcurl must never be re-entered from its own callbacks, so the socket and timer callbacks only
  (re)arm watchers; ``socket_action`` is called from watcher callbacks only.
* A finished or cancelled check is removed from the multi handle before its easy handle is reused.
"""

from __future__ import annotations

import ssl
import time
import traceback
from collections.abc import Callable
from typing import Any

import gevent
import gevent.event
import pycurl

from ..config import Monitor
from ..result import CONTENT_MISMATCH, HTTP_ERROR, SLOW, UP, Result
from ._classify import classify_curl_error, phase_reached
from ._prepare import BASE_OPTIONS, Prepared
from ._rules import decode_body

OnDone = Callable[[Result], None]
_EV_READ, _EV_WRITE = 1, 2  # libev event bits
_POLL_TO_EV = {pycurl.POLL_IN: _EV_READ, pycurl.POLL_OUT: _EV_WRITE, pycurl.POLL_INOUT: _EV_READ | _EV_WRITE}


class Check:
    """One check in flight. Returned by :meth:`Engine.start`; pass it to :meth:`Engine.cancel`."""

    __slots__ = ("chunks", "curl", "on_done", "prepared", "size", "truncated", "ts")

    def __init__(self, prepared: Prepared, curl: pycurl.Curl, on_done: OnDone) -> None:
        self.prepared = prepared
        self.curl = curl
        self.on_done = on_done
        self.chunks: list[bytes] = []
        self.size = 0
        self.truncated = False
        self.ts = time.time()

    def write(self, data: bytes) -> int:
        """libcurl's write callback: keep the body up to ``max_body_bytes``, then stop the transfer."""
        room = self.prepared.monitor.max_body_bytes - self.size
        if len(data) <= room:
            self.size += len(data)
            if self.prepared.rules.reads_body:
                self.chunks.append(data)
            return len(data)
        # Over the cap (a huge page, a gzip bomb): keep what fits and abort. Returning a short
        # count makes libcurl stop with E_WRITE_ERROR, which _result() treats as "truncated".
        self.size += room
        if self.prepared.rules.reads_body:
            self.chunks.append(data[:room])
        self.truncated = True
        return 0


class Engine:
    """Runs HTTP checks concurrently on the current gevent hub.

    :meth:`start` is the fast, callback-style entry used by the scheduler; :meth:`check` is the
    blocking (greenlet-friendly) form for one-off checks.
    """

    def __init__(self, location: str = "local") -> None:
        self.location = location
        self._loop = gevent.get_hub().loop
        self._multi = pycurl.CurlMulti()
        self._multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
        self._multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer)
        self._watchers: dict[int, Any] = {}
        self._timer: Any = None
        self._running = 0
        self._active: dict[pycurl.Curl, Check] = {}
        self._spare: list[pycurl.Curl] = []
        self._prepared: dict[Monitor, Prepared] = {}

    @property
    def active(self) -> int:
        """Checks currently in flight."""
        return len(self._active)

    def prepare(self, monitor: Monitor) -> Prepared:
        """Compile a monitor once; later checks of an equal monitor reuse it."""
        prepared = self._prepared.get(monitor)
        if prepared is None:
            prepared = self._prepared[monitor] = Prepared.of(monitor)
        return prepared

    def forget(self, monitor: Monitor) -> None:
        """Drop the compiled form of a monitor that left the config."""
        self._prepared.pop(monitor, None)

    def start(self, monitor: Monitor | Prepared, on_done: OnDone) -> Check:
        """Begin a check; ``on_done(result)`` is called on the hub when it ends. Must not block."""
        prepared = monitor if isinstance(monitor, Prepared) else self.prepare(monitor)
        curl = self._spare.pop() if self._spare else _new_handle()
        check = Check(prepared, curl, on_done)
        setopt = curl.setopt
        for option, value in prepared.options:
            setopt(option, value)
        for option, value in prepared.extra:
            setopt(option, value)
        setopt(pycurl.WRITEFUNCTION, check.write)
        self._active[curl] = check
        self._multi.add_handle(curl)  # libcurl asks for a 0 ms timer; the transfer starts on it
        return check

    def cancel(self, check: Check) -> None:
        """Abandon a check in flight; its callback is never called."""
        if self._active.pop(check.curl, None) is not None:
            self._multi.remove_handle(check.curl)
            self._recycle(check)

    def check(self, monitor: Monitor) -> Result:
        """Run one check and wait for its result (from a greenlet, not the hub)."""
        waiter: gevent.event.AsyncResult = gevent.event.AsyncResult()
        running = self.start(monitor, waiter.set)
        try:
            result: Result = waiter.get()
        except BaseException:  # killed (e.g. Ctrl-C): take the transfer out of libcurl cleanly
            self.cancel(running)
            raise
        return result

    def close(self) -> None:
        """Cancel everything in flight and release libcurl's resources."""
        for check in list(self._active.values()):
            self.cancel(check)
        if self._timer is not None:
            self._timer.stop()
        for watcher in self._watchers.values():
            watcher.stop()
        self._watchers.clear()
        self._multi.close()

    # -- libcurl → hub --------------------------------------------------------------------------

    def _on_socket(self, what: int, fd: int, multi: Any, socketp: Any) -> None:
        # One watcher per fd number, kept across connections: the kernel hands out the same low fd
        # numbers again and again. Setting ``events`` re-initialises it (ev_io_set), which is what
        # libev requires when the fd behind a number may have changed.
        watcher = self._watchers.get(fd)
        if what == pycurl.POLL_REMOVE:
            if watcher is not None:
                watcher.stop()
            return
        if watcher is None:
            watcher = self._watchers[fd] = self._loop.io(fd, _POLL_TO_EV[what])
        else:
            watcher.stop()
            watcher.events = _POLL_TO_EV[what]
        watcher.start(self._on_io, fd, pass_events=True)

    def _on_timer(self, timeout_ms: int) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if timeout_ms >= 0:
            self._timer = self._loop.timer(timeout_ms / 1000.0)
            self._timer.start(self._on_timeout)

    # -- hub → libcurl --------------------------------------------------------------------------

    def _on_io(self, events: int, fd: int) -> None:
        flags = (pycurl.CSELECT_IN if events & _EV_READ else 0) | (pycurl.CSELECT_OUT if events & _EV_WRITE else 0)
        _, running = self._multi.socket_action(fd, flags)
        self._after_action(running)

    def _on_timeout(self) -> None:
        _, running = self._multi.socket_action(pycurl.SOCKET_TIMEOUT, 0)
        self._after_action(running)

    def _after_action(self, running: int) -> None:
        if running < len(self._active):
            while True:
                queued, ok_list, err_list = self._multi.info_read()
                for curl in ok_list:
                    self._finish(curl, 0, "")
                for curl, code, message in err_list:
                    self._finish(curl, code, message)
                if queued == 0:
                    break

    def _finish(self, curl: pycurl.Curl, code: int, message: str) -> None:
        check = self._active.pop(curl, None)
        self._multi.remove_handle(curl)
        if check is None:  # cancelled meanwhile (cancel() has recycled the handle)
            return
        result = _result(check, code, message, self.location)
        self._recycle(check)
        try:
            check.on_done(result)
        except Exception:  # a consumer's bug must not stall every other check in this loop
            traceback.print_exc()

    def _recycle(self, check: Check) -> None:
        """Keep the easy handle for the next check. Options every check sets are simply overwritten
        next time; a handle that had optional ones (headers, method, body, CA file) is reset."""
        curl = check.curl
        curl.setopt(pycurl.WRITEFUNCTION, _discard)  # drop the reference to the finished check
        if check.prepared.extra:
            curl.reset()
            for option, value in BASE_OPTIONS:
                curl.setopt(option, value)
        if len(self._spare) < 1024:
            self._spare.append(curl)


def _new_handle() -> pycurl.Curl:
    curl = pycurl.Curl()
    for option, value in BASE_OPTIONS:
        curl.setopt(option, value)
    return curl


def _discard(data: bytes) -> None:
    return None


def _cert_days(curl: pycurl.Curl, now: float) -> float | None:
    """Days until the earliest ``Expire date`` in the verified chain (libcurl's CERTINFO)."""
    earliest = None
    for cert in curl.getinfo(pycurl.INFO_CERTINFO) or ():
        for key, value in cert:
            if key == "Expire date":
                try:
                    expires = ssl.cert_time_to_seconds(value)
                except ValueError:
                    continue
                earliest = expires if earliest is None else min(earliest, expires)
    return None if earliest is None else round((earliest - now) / 86400, 2)


def _ms(microseconds: int) -> float:
    return microseconds / 1000.0


def _result(check: Check, code: int, message: str, location: str) -> Result:
    """Build the Result of a finished transfer: classify, then apply the rules in order."""
    curl, prepared = check.curl, check.prepared
    monitor, rules = prepared.monitor, prepared.rules
    t_dns = curl.getinfo(pycurl.NAMELOOKUP_TIME_T)
    t_connect = curl.getinfo(pycurl.CONNECT_TIME_T)
    t_tls = curl.getinfo(pycurl.APPCONNECT_TIME_T)
    t_ttfb = curl.getinfo(pycurl.STARTTRANSFER_TIME_T)
    http_code = curl.getinfo(pycurl.RESPONSE_CODE) or None
    result = Result(
        ts=check.ts,
        monitor=monitor.name,
        url=monitor.url,
        location=location,
        result=UP,
        http_code=http_code,
        time_ms=_ms(curl.getinfo(pycurl.TOTAL_TIME_T)),
        dns_ms=_ms(t_dns) if t_dns else None,
        connect_ms=_ms(t_connect - t_dns) if t_connect else None,
        tls_ms=_ms(t_tls - t_connect) if t_tls and prepared.https else None,
        ttfb_ms=_ms(t_ttfb) if t_ttfb and http_code else None,
        bytes=check.size if http_code else None,
        cert_days=_cert_days(curl, check.ts) if prepared.https and http_code else None,
    )
    if code and not (code == pycurl.E_WRITE_ERROR and check.truncated):
        if prepared.ip_literal and not t_dns:
            t_dns = 1  # nothing to resolve: a stall before connecting is the connect phase
        phase = phase_reached(t_dns, t_connect, t_tls, http_code is not None, prepared.https)
        result.result, result.error, result.detail = classify_curl_error(
            code, message, curl.getinfo(pycurl.OS_ERRNO), phase
        )
        return result
    truncated = f"body truncated at {check.size} bytes (max_body_bytes)" if check.truncated else None
    problem = rules.judge_status(http_code or 0)
    if problem is not None:
        result.result, result.error = HTTP_ERROR, "status"
        location_header = curl.getinfo(pycurl.REDIRECT_URL) if 300 <= (http_code or 0) < 400 else None
        result.detail = f"{problem} (redirect to {location_header})" if location_header else problem
        return result
    if rules.reads_body:
        body = b"".join(check.chunks)
        failed = rules.judge_content(decode_body(body, curl.getinfo(pycurl.CONTENT_TYPE)))
        if failed is not None:
            result.result, (result.error, detail) = CONTENT_MISMATCH, failed
            result.detail = f"{detail}; {truncated}" if truncated else detail
            return result
    if rules.max_response_ms is not None and (result.time_ms or 0) > rules.max_response_ms:
        result.result = SLOW
        result.detail = f"{result.time_ms:.0f} ms > max_response_ms {rules.max_response_ms:g}"
    else:
        result.detail = truncated
    return result
