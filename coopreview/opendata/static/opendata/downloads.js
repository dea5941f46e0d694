// The list's filters change in place (htmx): at download time, copy their current values into the form.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("form.opendata-form")) return;
  const filters = document.querySelector(form.dataset.filtersForm || "form.filters");
  if (!filters) return;
  form.querySelectorAll("[data-kept-filter]").forEach((input) => input.remove());
  const keep = ["q", "source", "section", "addressee", "organ", "flag", "theme", "visibility", "sort"];
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
