// select: behaviour declared with data attributes (no inline script).
//   select[data-org-select]: the org tree select and unit picker of core/widgets.py, made
//   searchable with Tom Select. Each option carries data-name, data-trail (its path, e.g.
//   "机关党委 › 办公室党支部") and data-level (its indentation); search matches name and path.
//   Without this script (or Tom Select) the select stays a plain, usable select.
(function () {
  "use strict";

  var MAX_LEVEL = 6; // deeper levels share the last indentation (select.css has org-level-0…6)

  function nameOf(data) {
    return data.name || data.text;
  }

  function renderOption(data, escape) {
    var level = Math.min(Number(data.level) || 0, MAX_LEVEL);
    var name = nameOf(data);
    var trail = data.trail && data.trail !== name
      ? '<div class="org-option-trail">' + escape(data.trail) + "</div>"
      : "";
    return (
      '<div class="org-option org-level-' + level + '">' +
      '<div class="org-option-name">' + escape(name) + "</div>" + trail + "</div>"
    );
  }

  function renderItem(data, escape) {
    var trail = data.trail ? ' title="' + escape(data.trail) + '"' : "";
    return "<div" + trail + ">" + escape(nameOf(data)) + "</div>";
  }

  function hasEmptyChoice(select) {
    return Array.prototype.some.call(select.options, function (option) {
      return option.value === "";
    });
  }

  function enhance(select) {
    if (select.tomselect) {
      return;
    }
    var multiple = select.multiple;
    // A plain select shows 8 rows of a multiple select; the picker shows its picks instead.
    select.removeAttribute("size");
    var tom = new window.TomSelect(select, {
      plugins: multiple ? ["remove_button"] : [],
      placeholder: "输入名称搜索",
      // A single select shows its org alone; the picker keeps inviting another search.
      hidePlaceholder: !multiple,
      // An optional single select keeps its empty choice ("—"), so that it can be chosen again.
      allowEmptyOption: !multiple && !select.required && hasEmptyChoice(select),
      searchField: ["name", "trail"],
      sortField: [{ field: "$score" }, { field: "$order" }],
      maxOptions: 1000,
      closeAfterSelect: !multiple,
      // The picker starts the next search afresh: one types one unit's name at a time.
      onItemAdd: function () {
        if (multiple) {
          this.setTextboxValue("");
          this.refreshOptions(false);
        }
      },
      render: {
        option: renderOption,
        item: renderItem,
        no_results: function () {
          return '<div class="no-results">无匹配组织</div>';
        },
      },
    });
    tom.wrapper.classList.add("org-select");
  }

  function enhanceWithin(root) {
    if (typeof window.TomSelect !== "function") {
      return;
    }
    if (root.matches && root.matches("select[data-org-select]")) {
      enhance(root);
    }
    root.querySelectorAll("select[data-org-select]").forEach(enhance);
  }

  enhanceWithin(document);
  // Forms that htmx swaps in (a dialog, a filter bar) are enhanced as they arrive.
  document.addEventListener("htmx:load", function (event) {
    enhanceWithin(event.detail.elt);
  });
})();
