// The member form (members/form.html), without inline script:
//   [data-id-number]: once 18 valid characters are typed, fill [data-id-sex] and
//     [data-id-birth] from the 公民身份号码 (the server derives and checks them again);
//   [data-branch-select]: show in [data-group-select] only the 党小组 under the chosen branch
//     (options carry their org's tree path in data-path; the server refuses any other group).
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECKS = "10X98765432";

  function parse(raw) {
    var number = (raw || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(number)) {
      return null;
    }
    var total = 0;
    for (var i = 0; i < 17; i++) {
      total += Number(number[i]) * WEIGHTS[i];
    }
    if (CHECKS[total % 11] !== number[17]) {
      return null;
    }
    var y = Number(number.slice(6, 10));
    var m = Number(number.slice(10, 12));
    var d = Number(number.slice(12, 14));
    var born = new Date(Date.UTC(y, m - 1, d));
    if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
      return null;
    }
    return {
      birth: number.slice(6, 10) + "-" + number.slice(10, 12) + "-" + number.slice(12, 14),
      sex: Number(number[16]) % 2 ? "male" : "female",
    };
  }

  function fillFromNumber(input) {
    var form = input.form;
    var parsed = parse(input.value);
    if (!form || !parsed) {
      return;
    }
    var sex = form.querySelector("[data-id-sex]");
    var birth = form.querySelector("[data-id-birth]");
    if (sex) {
      sex.value = parsed.sex;
    }
    if (birth) {
      birth.value = parsed.birth;
    }
  }

  function filterGroups(branchSelect) {
    var form = branchSelect.form;
    var groups = form && form.querySelector("[data-group-select]");
    if (!groups) {
      return;
    }
    var chosen = branchSelect.options[branchSelect.selectedIndex];
    var path = chosen ? chosen.getAttribute("data-path") : null;
    Array.prototype.forEach.call(groups.options, function (option) {
      var own = option.getAttribute("data-path");
      if (own === null) {
        return; // the empty choice
      }
      var fits = Boolean(path) && own.indexOf(path) === 0;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) {
        groups.value = "";
      }
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-id-number]")) {
      fillFromNumber(event.target);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-branch-select]")) {
      filterGroups(event.target);
    }
  });
  document.querySelectorAll("[data-branch-select]").forEach(filterGroups);
})();
