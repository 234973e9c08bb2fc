/* Katalog Inovasi — the header's menu, a <details> disclosure that opens without JavaScript.
 *
 * This adds what a disclosure menu is expected to do besides: Escape closes it and puts the
 * focus back on its button; it closes when the focus or a click goes elsewhere, so an open
 * menu never covers the control a keyboard user moved on to.
 */
(function () {
  "use strict";
  var menu = document.querySelector(".menu details");
  if (!menu) { return; }
  var button = menu.querySelector("summary");

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !menu.open) { return; }
    var inside = menu.contains(document.activeElement);
    menu.open = false;
    if (inside) { button.focus(); }
  });
  menu.addEventListener("focusout", function (event) {
    if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) { menu.open = false; }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) { menu.open = false; }
  });
})();
