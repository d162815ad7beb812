// forms: behaviour of the one form template (components/form.html), declared with data
// attributes (no inline script).
//   data-form-summary: the error summary; it takes the focus when the page opens, so the
//     reader starts at "请修改以下 N 处错误" and its links lead to each field.
//   data-date-input: a typed date (2019年7月1日 …) with a calendar button (data-date-open)
//     that opens the browser's own date picker on a hidden <input type=date> (data-date-native)
//     and writes the picked day back into the text box as 2019-07-01.
//   A link of the summary focuses its field.
(function () {
  var SHAPES = [
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$/,
    /^(\d{4})(\d{2})(\d{2})$/,
  ];

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // The ISO day of what was typed, or "" (the server says what is wrong on submit).
  function isoDay(text) {
    var cleaned = (text || "").normalize("NFKC").trim();
    for (var i = 0; i < SHAPES.length; i++) {
      var match = SHAPES[i].exec(cleaned);
      if (match) {
        var year = +match[1], month = +match[2], day = +match[3];
        var date = new Date(year, month - 1, day);
        if (date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day) {
          return year + "-" + pad(month) + "-" + pad(day);
        }
      }
    }
    return "";
  }

  function openPicker(button) {
    var box = button.closest("[data-date-input]");
    var text = box.querySelector("input[type=text]");
    var native = box.querySelector("[data-date-native]");
    native.value = isoDay(text.value);
    if (typeof native.showPicker === "function") {
      try {
        native.showPicker();
        return;
      } catch (error) {
        // Older browsers refuse; fall back to focusing the text box.
      }
    }
    text.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-date-open]");
    if (button) {
      event.preventDefault();
      openPicker(button);
    }
  });

  document.addEventListener("change", function (event) {
    var native = event.target.closest("[data-date-native]");
    if (!native || !native.value) {
      return;
    }
    var text = native.closest("[data-date-input]").querySelector("input[type=text]");
    text.value = native.value;
    text.dispatchEvent(new Event("input", { bubbles: true }));
    text.dispatchEvent(new Event("change", { bubbles: true }));
    text.focus();
  });

  // A summary link goes to its field and puts the cursor in it (a plain #link only scrolls).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-form-summary] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var shown = field.tomselect ? field.tomselect.control_input : field;
    shown.scrollIntoView({ block: "center" });
    shown.focus();
  });

  function focusSummary() {
    var summary = document.querySelector("[data-form-summary]");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
