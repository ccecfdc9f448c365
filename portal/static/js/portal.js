// Sends the CSRF token with every htmx request (no inline scripts: the CSP forbids them).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["x-csrftoken"] = meta.getAttribute("content");
  }
});

// Buttons that ask before doing something irreversible: <button data-confirm="Deactivate Casey?">
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Copy buttons: <button data-copy="#element-id">
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-copy]");
  if (!target) return;
  var source = document.querySelector(target.getAttribute("data-copy"));
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim());
    target.textContent = "Copied";
  }
});
