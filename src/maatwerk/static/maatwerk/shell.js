/* The main menu folds behind a "Menu" button on narrow screens. Without this script the menu simply
   stays open (the button keeps its hidden attribute). */
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var list = document.getElementById("site-nav");
  if (!button || !list) { return; }
  var narrow = window.matchMedia("(max-width: 47.99em)");
  function apply() {
    if (narrow.matches) {
      button.hidden = false;
      list.hidden = button.getAttribute("aria-expanded") !== "true";
    } else {
      button.hidden = true;
      list.hidden = false;
    }
  }
  button.addEventListener("click", function () {
    button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    apply();
  });
  if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  apply();
}());

/* Every table in the main content scrolls in its own box on a narrow screen, so the page itself never
   scrolls sideways. The templates need not know: tables not yet wrapped get a .table-scroll wrapper
   (without this script the stylesheet makes such tables scroll as blocks instead). A wrapper that
   scrolls is focusable and named after the table, so keyboard users can scroll it too. */
(function () {
  "use strict";
  function wrap(root) {
    var tables = (root || document).querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
    Array.prototype.forEach.call(document.querySelectorAll("main .table-scroll"), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          var caption = box.querySelector("caption");
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabel (schuift opzij)");
        }
      }
    });
  }
  wrap();
  document.addEventListener("htmx:afterSwap", function () { wrap(); });
}());
