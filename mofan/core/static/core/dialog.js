// Confirm dialog for destructive actions, declared with data attributes (no inline script):
//   data-confirm="确定删除附件“记录.pdf”？"  on a form or on its submit button: ask first;
//   data-confirm-detail="删除后无法恢复。"   optional second line;
//   data-confirm-tone="danger"             a red 确定 (delete, revoke, dissolve …);
//   data-confirm-ok="删除"                 optional label of the 确定 button.
// The button's attributes win over the form's. 取消, Esc or a click outside cancels; focus
// starts on 取消 so that Enter does not destroy anything. After 确定 the form is submitted
// again through the same submitter, so its name/value (e.g. name="answer" value="approve")
// still reaches the server, and htmx forms go through htmx as before.
(function () {
  "use strict";

  var dialog = null;
  var pending = null; // {form, submitter} waiting for an answer
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
    return (submitter && submitter.dataset[key]) || form.dataset[key] || "";
  }

  function ask(form, submitter, question) {
    dialog = dialog || build();
    var danger = setting("Tone", form, submitter) === "danger";
    var detail = setting("Detail", form, submitter);
    dialog.classList.toggle("danger", danger);
    dialog.querySelector(".modal-title").textContent = danger ? "请确认操作" : "请确认";
    dialog.querySelector(".confirm-question").textContent = question;
    var detailNode = dialog.querySelector(".confirm-detail");
    detailNode.textContent = detail;
    detailNode.hidden = !detail;
    var ok = dialog.querySelector(".confirm-ok");
    ok.textContent = setting("Ok", form, submitter) || "确定";
    ok.className = "btn confirm-ok " + (danger ? "btn-danger" : "btn-primary");
    pending = { form: form, submitter: submitter };
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
    if (!yes) {
      if (asked.submitter) {
        asked.submitter.focus();
      }
      return;
    }
    confirmed = asked.form;
    try {
      var submitter = asked.submitter;
      if (submitter && submitter.form === asked.form) {
        asked.form.requestSubmit(submitter);
      } else {
        asked.form.requestSubmit();
      }
    } finally {
      confirmed = null;
    }
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
      ask(form, submitter, question);
    },
    true
  );
})();
