// Small accessibility fixes on Material's own markup (no dependency).
// Material's search panel has role="dialog" without a name: give it one.
(function () {
  var search = document.querySelector(".md-search[role=dialog]");
  if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Pencarian");
})();
