// Download forms beside a list whose filters change in place (htmx): at download time, copy the
// filters' current values into the form. The form names its filter form (data-filters-form) and the
// filters it keeps (data-keep, space-separated, rendered from the view's own list of keys).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("form[data-keep]")) return;
  const filters = document.querySelector(form.dataset.filtersForm || "form.filters");
  if (!filters) return;
  form.querySelectorAll("[data-kept-filter]").forEach((input) => input.remove());
  const keep = form.dataset.keep.split(" ");
  for (const [name, value] of new FormData(filters).entries()) {
    if (!keep.includes(name) || !value) continue;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.dataset.keptFilter = "";
    form.appendChild(input);
  }
});
