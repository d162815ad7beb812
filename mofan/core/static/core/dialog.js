// Confirm dialog for destructive actions, declared with data attributes (no inline script):
//   data-confirm="确定删除附件“记录.pdf”？"  on a form or on its submit button: ask first;
//   data-confirm-detail="删除后无法恢复。"   optional second line;
//   data-confirm-tone="danger"             a red 确定 (delete, revoke, dissolve …);
//   data-confirm-ok="删除"                 optional label of the 确定 button.
// The button's attributes win over the form's. 取消, Esc or a click outside cancels; focus
// starts on 取消 so that Enter does not destroy anything. After 确定 the form is submitted
// again through the same submitter, so its name/value (e.g. name="answer" value="approve")
// still reaches the server, and htmx forms go through htmx as before. htmx's own hx-confirm
// (a request without a form) asks in the same dialog instead of the browser's confirm().
(function () {
  "use strict";

  var dialog = null;
  var pending = null; // {yes: function, back: element to refocus} waiting for an answer
  var confirmed = null; // the form being re-submitted after 确定

  function build() {
    var node = document.createElement("dialog");
    node.className = "confirm-dialog";
    node.setAttribute("aria-labelledby", "confirm-dialog-title");
    node.setAttribute("aria-describedby", "confirm-dialog-question");
    node.innerHTML =
      '<div class="modal-content">' +
      '<div class="modal-status"></div>' +
      '<div class="modal-header"><h2 class="modal-title" id="confirm-dialog-title"></h2></div>' +
      '<div class="modal-body"><p class="confirm-question" id="confirm-dialog-question"></p>' +
      '<p class="confirm-detail text-secondary"></p></div>' +
      '<div class="modal-footer">' +
      '<button type="button" class="btn confirm-cancel" data-confirm-answer="no">取消</button>' +
      '<button type="button" class="btn confirm-ok" data-confirm-answer="yes">确定</button>' +
      "</div></div>";
    node.addEventListener("click", function (event) {
      var answer = event.target.closest("[data-confirm-answer]");
      if (answer) {
        finish(answer.dataset.confirmAnswer === "yes");
      } else if (event.target === node) {
        finish(false); // a click on the backdrop
      }
    });
    node.addEventListener("cancel", function (event) {
      event.preventDefault(); // Esc: close through finish() so that `pending` is cleared
      finish(false);
    });
    document.body.appendChild(node);
    return node;
  }

  function setting(name, form, submitter) {
    var key = "confirm" + name;
    return (submitter && submitter.dataset[key]) || (form && form.dataset[key]) || "";
  }

  // options: question, detail, danger, ok (label), yes (called after 确定), back (refocused
  // after 取消).
  function ask(options) {
    dialog = dialog || build();
    dialog.classList.toggle("danger", options.danger);
    dialog.querySelector(".modal-title").textContent = options.danger ? "请确认操作" : "请确认";
    dialog.querySelector(".confirm-question").textContent = options.question;
    var detailNode = dialog.querySelector(".confirm-detail");
    detailNode.textContent = options.detail || "";
    detailNode.hidden = !options.detail;
    var ok = dialog.querySelector(".confirm-ok");
    ok.textContent = options.ok || "确定";
    ok.className = "btn confirm-ok " + (options.danger ? "btn-danger" : "btn-primary");
    pending = { yes: options.yes, back: options.back };
    dialog.showModal();
    dialog.querySelector(".confirm-cancel").focus();
  }

  function finish(yes) {
    var asked = pending;
    pending = null;
    if (dialog.open) {
      dialog.close();
    }
    if (!asked) {
      return;
    }
    if (yes) {
      asked.yes();
    } else if (asked.back) {
      asked.back.focus();
    }
  }

  function resubmit(form, submitter) {
    confirmed = form;
    try {
      if (submitter && submitter.form === form) {
        form.requestSubmit(submitter);
      } else {
        form.requestSubmit();
      }
    } finally {
      confirmed = null;
    }
  }

  function askAbout(element, form, submitter, question) {
    ask({
      question: question,
      detail: setting("Detail", form, submitter),
      danger: setting("Tone", form, submitter) === "danger",
      ok: setting("Ok", form, submitter),
      back: submitter || element,
      yes: function () {
        resubmit(form, submitter);
      },
    });
  }

  // Capture phase: decide before htmx or any other listener on the form sees the submission.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form === confirmed) {
        return;
      }
      var submitter = event.submitter;
      var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
      if (!question) {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      askAbout(form, form, submitter, question);
    },
    true
  );

  // hx-confirm="…" on an htmx element (with data-confirm-detail / -tone beside it).
  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question) {
      return;
    }
    event.preventDefault();
    var element = event.detail.elt;
    ask({
      question: question,
      detail: setting("Detail", null, element),
      danger: setting("Tone", null, element) === "danger",
      ok: setting("Ok", null, element),
      back: element,
      yes: function () {
        event.detail.issueRequest(true);
      },
    });
  });
})();
