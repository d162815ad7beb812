// Behaviour the pages declare with data attributes, so that no page needs inline script
// (the Content-Security-Policy allows scripts from this site only).
//   data-confirm="确定…？" on a form or a button: see core/dialog.js.
//   data-print on a button: print the page.
//   data-menu-toggle="<id>" on a button: open or close the menu of that id (phones).
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-print]");
  if (target) {
    window.print();
  }
  var toggle = event.target.closest("[data-menu-toggle]");
  if (toggle) {
    var menu = document.getElementById(toggle.dataset.menuToggle);
    var open = menu.classList.toggle("show");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
});
