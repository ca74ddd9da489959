// The status page keeps itself current: every 5 s it fetches the server-rendered monitor table
// (same filter and page) and swaps it in; "12 s ago" labels tick every second. No build step.
(function () {
  "use strict";
  var main = document.getElementById("monitors");
  var input = document.getElementById("filter");
  var clock = document.getElementById("clock");
  var skew = Date.now() / 1000 - parseFloat(clock.dataset.now); // server time vs. browser time
  var timer = null;

  function ago(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 90) return seconds + " s ago";
    if (seconds < 5400) return Math.round(seconds / 60) + " min ago";
    if (seconds < 172800) return Math.round(seconds / 3600) + " h ago";
    return Math.round(seconds / 86400) + " days ago";
  }

  function tick() {
    var now = Date.now() / 1000 - skew;
    clock.textContent = new Date(now * 1000).toISOString().slice(0, 19).replace("T", " ") + "Z";
    document.querySelectorAll(".ago").forEach(function (el) {
      el.textContent = ago(now - parseFloat(el.dataset.ts));
    });
  }

  function refresh() {
    var params = new URLSearchParams({ q: main.dataset.q || "", page: main.dataset.page || "1" });
    fetch("/partials/monitors?" + params.toString(), { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { main.innerHTML = html; tick(); document.body.classList.remove("stale"); })
      .catch(function () { document.body.classList.add("stale"); });
  }

  function schedule() { clearInterval(timer); timer = setInterval(refresh, 5000); }

  var debounce = null;
  input.addEventListener("input", function () {
    clearTimeout(debounce);
    debounce = setTimeout(function () {
      main.dataset.q = input.value.trim();
      main.dataset.page = "1";
      history.replaceState(null, "", main.dataset.q ? "?q=" + encodeURIComponent(main.dataset.q) : "/");
      refresh();
      schedule();
    }, 200);
  });
  document.getElementById("filter-form").addEventListener("submit", function (e) { e.preventDefault(); });
  main.addEventListener("click", function (e) {
    var link = e.target.closest("nav.pages a");
    if (!link) return;
    e.preventDefault();
    main.dataset.page = link.dataset.page;
    refresh();
  });

  tick();
  setInterval(tick, 1000);
  schedule();
})();
