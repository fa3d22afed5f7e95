/* Progressive enhancement only: every action here also works as a plain form post. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // 点赞 without a page reload.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("like-form") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    var action = form.querySelector("input[name=action]");
    button.disabled = true;
    // form.action would be the hidden input named "action", not the URL.
    fetch(form.getAttribute("action"), {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) },
      body: new FormData(form),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      if (result.status === 401 && result.data.login_url) {
        window.location.href = result.data.login_url;
        return;
      }
      if (result.status !== 200) { form.submit(); return; }
      var liked = result.data.liked;
      action.value = liked ? "unlike" : "like";
      button.setAttribute("aria-pressed", liked ? "true" : "false");
      form.querySelector(".like-label").textContent = liked ? "已赞" : "点赞";
      form.querySelector(".like-count").textContent = result.data.count;
      button.disabled = false;
    }).catch(function () { form.submit(); });
  });

  // Reflection forms: check before sending, and never send twice.
  function showError(field, message) {
    var wrapper = field.closest(".field");
    var existing = wrapper.querySelector(".js-error");
    if (existing) existing.remove();
    if (!message) { field.removeAttribute("aria-invalid"); return; }
    var error = document.createElement("p");
    error.className = "errorlist js-error";
    error.id = field.id + "_js_error";
    error.setAttribute("role", "alert");
    error.textContent = message;
    wrapper.insertBefore(error, field);
    field.setAttribute("aria-invalid", "true");
  }

  document.querySelectorAll("form.reflection-form").forEach(function (form) {
    var body = form.querySelector("textarea[name=body]");
    var max = parseInt(form.getAttribute("data-body-max"), 10) || 5000;
    if (body) {
      var counter = document.createElement("p");
      counter.className = "helptext char-count";
      counter.setAttribute("aria-live", "polite");
      body.insertAdjacentElement("afterend", counter);
      var update = function () {
        counter.textContent = "已写 " + body.value.length + " / " + max + " 字";
        counter.classList.toggle("over", body.value.length > max);
      };
      body.addEventListener("input", update);
      update();
    }
    form.addEventListener("submit", function (event) {
      // 预览 stores nothing: no guard, and its button must stay enabled to be sent.
      if (event.submitter && event.submitter.name === "preview") return;
      if (form.dataset.submitting === "true") { event.preventDefault(); return; }
      if (body) {
        var text = body.value.trim();
        var message = "";
        if (!text) message = "请写下心得正文\uff0c不能为空。";
        else if (body.value.length > max) message = "正文最多 " + max + " 个字\uff08现在 " + body.value.length + " 个\uff09\uff0c请精简后再提交。";
        showError(body, message);
        if (message) { event.preventDefault(); body.focus(); return; }
      }
      form.dataset.submitting = "true";
      var button = event.submitter || form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "正在提交……"; }
    });
  });
})();

/* Issue 15 (ux15): a form shown again with errors puts focus on its error summary,
   where a browser ignored the autofocus attribute on it. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) summary.focus();
})();
