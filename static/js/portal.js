// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // A table wider than the screen scrolls inside its .table-wrap (on a phone).
  // Keyboard users can scroll it only if it can take the focus: make such a box
  // a focusable, named group (not a landmark: its section already is one), and
  // only while it really scrolls (WCAG 2.1.1).
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var section = wrap.closest("[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    if (!heading) {
      var node = wrap;
      while (node && !heading) {
        var previous = node.previousElementSibling;
        while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
        heading = previous;
        node = node.parentElement;
      }
    }
    return heading ? heading.textContent.trim() : "";
  }

  function markScrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "group");
        if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", nameOf(wrap));
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markScrollableTables, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollableTables);
  } else {
    markScrollableTables();
  }
})();
