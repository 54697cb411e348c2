/* Galeri foto: lightbox for .portal-gallery links. Without JS or <dialog>
   the links just open the large image. Page text goes in via textContent. */
(function () {
  "use strict";
  var D = document, W = window;
  if (W.portalGallery || !W.HTMLDialogElement || !HTMLDialogElement.prototype.showModal) return;
  W.portalGallery = 1;

  var SEL = ".portal-gallery a[href]", NS = "http://www.w3.org/2000/svg";
  var dlg, fig, cap, img, counter, credit, btns, links = [], index = 0, opener, preload, sx = null, sy;

  function el(tag, cls, parent) {
    var e = D.createElement(tag);
    if (cls) e.className = "portal-lightbox__" + cls;
    parent.appendChild(e);
    return e;
  }

  function button(cls, label, d, go) {
    var b = el("button", cls, dlg), svg = D.createElementNS(NS, "svg"), p = D.createElementNS(NS, "path");
    b.type = "button";
    b.setAttribute("aria-label", label);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    p.setAttribute("d", d);
    svg.appendChild(p);
    b.appendChild(svg);
    b.addEventListener("click", go);
    return b;
  }

  function step(n) { if (links.length > 1) show(index + n); }

  function build() {
    dlg = D.createElement("dialog");
    dlg.className = "portal-lightbox";
    dlg.setAttribute("aria-label", "Galeri foto");
    D.body.appendChild(dlg);
    fig = el("figure", "figure", dlg);
    cap = el("figcaption", "caption", fig);
    counter = el("span", "counter", cap);
    counter.setAttribute("aria-live", "polite");
    credit = el("span", "credit", cap);
    btns = [
      button("close", "Tutup", "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z",
        function () { dlg.close(); }),
      button("prev", "Sebelumnya", "M15.4 16.6 10.8 12l4.6-4.6L14 6l-6 6 6 6z", function () { step(-1); }),
      button("next", "Berikutnya", "M8.6 16.6 13.2 12 8.6 7.4 10 6l6 6-6 6z", function () { step(1); })
    ];
    dlg.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        e.preventDefault();
        step(e.key === "ArrowRight" ? 1 : -1);
      } else if (e.key === "Tab") {
        // Tab wraps inside the dialog instead of leaving for the browser UI.
        var f = btns.filter(function (b) { return !b.hidden; }), i = f.indexOf(D.activeElement);
        var to = e.shiftKey ? (i <= 0 ? f[f.length - 1] : null) : (i < 0 || i === f.length - 1 ? f[0] : null);
        if (to) { e.preventDefault(); to.focus(); }
      }
    });
    // A click on the dark area beside the photo closes.
    dlg.addEventListener("click", function (e) { if (e.target === dlg || e.target === fig) dlg.close(); });
    dlg.addEventListener("close", function () { if (opener && opener.isConnected) opener.focus(); });
    // Touch/pen swipe; the CSS leaves vertical pan and pinch-zoom to the browser.
    dlg.addEventListener("pointerdown", function (e) {
      sx = e.pointerType !== "mouse" && e.isPrimary ? e.clientX : null;
      sy = e.clientY;
    });
    dlg.addEventListener("pointercancel", function () { sx = null; });
    dlg.addEventListener("pointerup", function (e) {
      if (sx === null || !e.isPrimary) return;
      var dx = e.clientX - sx, dy = e.clientY - sy;
      sx = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
    });
  }

  function show(i) {
    var n = links.length, a, thumb, fc, w, h, im = D.createElement("img");
    index = (i % n + n) % n;
    a = links[index];
    thumb = a.querySelector("img");
    fc = a.closest("figure");
    fc = fc && fc.querySelector("figcaption");
    w = +a.getAttribute("data-width");
    h = +a.getAttribute("data-height");
    im.className = "portal-lightbox__image";
    im.alt = thumb ? thumb.alt : "";
    if (w > 0 && h > 0) { im.width = w; im.height = h; }  // no layout shift
    im.decoding = "async";
    im.addEventListener("load", function () {
      // Then fetch the next photo only: mobile data is dear.
      if (im === img && n > 1) (preload = new Image()).src = links[(index + 1) % n].href;
    });
    im.src = a.href;
    // A new element per photo: never the old photo under the new caption.
    if (img) fig.replaceChild(im, img); else fig.insertBefore(im, cap);
    img = im;
    counter.textContent = "Foto " + (index + 1) + " dari " + n;
    credit.textContent = fc ? fc.textContent : "";
    btns[1].hidden = btns[2].hidden = n < 2;
  }

  function open(a) {
    links = [].slice.call(a.closest(".portal-gallery").querySelectorAll("a[href]"));
    opener = a;
    if (!dlg) build();
    show(links.indexOf(a));
    if (!dlg.open) dlg.showModal();
  }

  function init() {
    D.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest(SEL);
      // Modified and middle clicks (new tab) stay with the browser.
      if (!a || e.defaultPrevented || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      open(a);
    });
    // Enter clicks a link natively; Space does not.
    D.addEventListener("keydown", function (e) {
      if (e.key === " " && e.target.matches && e.target.matches(SEL)) { e.preventDefault(); open(e.target); }
    });
  }

  if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", init); else init();
})();
