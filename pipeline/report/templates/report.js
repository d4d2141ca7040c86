// Enhancements only: every page works without script (links and anchors do the work).
document.addEventListener("click", function (event) {
  var row = event.target.closest("tr[data-href]");
  if (row && !event.target.closest("a")) { window.location.href = row.getAttribute("data-href"); }
});
document.querySelectorAll("input[data-filter]").forEach(function (input) {
  var items = document.querySelectorAll(input.getAttribute("data-filter"));
  input.addEventListener("input", function () {
    var needle = input.value.toLowerCase();
    items.forEach(function (item) {
      item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
    });
  });
});
