// htmx 2 does not swap 4xx answers by default; the follow-up panel answers a refused form with
// the panel and its errors (409 for a concurrent edit, 422 for bad input, 403 for the wrong side),
// which must be shown. A static file, so the strict CSP (no inline script) holds.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422 || status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
