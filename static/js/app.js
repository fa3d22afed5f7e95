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

/* === Drafts (草稿), 收藏 and 已学 (issue 16, items 4-6): enhancements of plain forms. === */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function token(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function postJson(url, form, body, keepalive) {
    return fetch(url, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": token(form) },
      body: body,
      credentials: "same-origin",
      keepalive: !!keepalive
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }

  // Drafts: saved a few seconds after typing stops, only when something changed, and
  // when the page is hidden (WeChat switching apps). 存草稿 saves at once, without a reload.
  document.querySelectorAll("form.reflection-form").forEach(function (form) {
    var button = form.querySelector("[data-draft-url]");
    if (!button) return;
    var url = button.getAttribute("data-draft-url");
    var status = form.querySelector(".draft-status");
    var fields = ["principle", "title", "body", "tags"];
    function snapshot() {
      var data = new FormData();
      fields.concat(["submission_token"]).forEach(function (name) {
        var field = form.elements[name];
        data.append(name, field ? field.value : "");
      });
      return data;
    }
    function key(data) { return fields.map(function (name) { return data.get(name); }).join("\u0000"); }
    var saved = key(snapshot());
    var timer = null;
    function save(keepalive) {
      clearTimeout(timer);
      var data = snapshot();
      var current = key(data);
      if (current === saved || form.dataset.submitting === "true") return;
      postJson(url, form, data, keepalive).then(function (result) {
        if (result.status === 200) {
          saved = current;
          if (status) status.textContent = result.data.message || "";
        } else if (status) {
          status.textContent = result.data.error || "草稿没有保存。";
        }
      }).catch(function () {
        if (status) status.textContent = "网络不通\uff0c草稿暂未保存。";
      });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 2000);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 2000);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true);
    });
    button.addEventListener("click", function (event) {
      event.preventDefault();
      saved = null;  // 存草稿 always saves
      save(false);
    });
  });

  // 收藏 / 取消收藏 without a reload.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("bookmark-form")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    var action = form.querySelector("input[name=action]");
    button.disabled = true;
    postJson(form.getAttribute("action"), form, new FormData(form)).then(function (result) {
      if (result.status === 401 && result.data.login_url) { window.location.href = result.data.login_url; return; }
      if (result.status !== 200) { form.submit(); return; }
      var on = result.data.bookmarked;
      action.value = on ? "remove" : "add";
      button.classList.toggle("is-bookmarked", on);
      form.querySelector(".bookmark-label").textContent = on ? "取消收藏" : "收藏";
      button.disabled = false;
    }).catch(function () { form.submit(); });
  });

  // 已学: when the end of a principle's text comes into view, record it once.
  var readForm = document.querySelector("form.read-form[data-read-auto]");
  if (readForm && window.IntersectionObserver) {
    var observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) {
        // Watched, and the end is not in view: nothing is sent until it comes into view.
        readForm.setAttribute("data-read-state", "watching");
        return;
      }
      observer.disconnect();
      postJson(readForm.getAttribute("action"), readForm, new FormData(readForm)).then(function (result) {
        if (result.status !== 200) return;
        var done = document.createElement("p");
        done.className = "read-state read-done";
        done.setAttribute("role", "status");
        done.textContent = "\u2713 已学";
        readForm.replaceWith(done);
      }).catch(function () { /* the button still works */ });
    });
    // Only once the page is laid out with its styles: before that the end of the text
    // can be in view for a moment, and the principle would count as read on opening.
    var observe = function () { observer.observe(readForm); };
    if (document.readyState === "complete") observe();
    else window.addEventListener("load", observe);
  }
})();
/* === end of drafts, 收藏 and 已学 === */
/* Issue 15 (ux15): a form shown again with errors puts focus on its error summary,
   where a browser ignored the autofocus attribute on it. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) summary.focus();
})();
