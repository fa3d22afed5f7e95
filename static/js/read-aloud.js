/* 朗读: reads a page's text aloud with the browser's own speech synthesis (a zh-CN voice),
   sentence by sentence, the sentence being read highlighted. The controls stay hidden
   where the browser has no Chinese voice, and nothing is read until 朗读 is pressed. */
(function () {
  "use strict";

  var controls = document.querySelector(".read-aloud");
  var synth = window.speechSynthesis;
  if (!controls || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  var BLOCKS = "h1, h2, h3, p, li, figcaption";
  // A sentence ends at 。！？；… (or their ASCII twins), with any closing quotes after it.
  var END = /[\u3002\uff01\uff1f\uff1b!?;\u2026]+[\u201d\u2019\u300d\u300f\uff09)"']*/g;
  var voice = null;
  var sentences = null; // [[span, ...], ...]: one sentence may cross inline elements
  var state = "idle"; // idle | playing | paused
  var run = 0; // each start or stop begins a new run: late events of an old one are ignored

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    var lang = function (v) { return (v.lang || "").replace("_", "-").toLowerCase(); };
    return voices.filter(function (v) { return lang(v) === "zh-cn"; })[0] ||
      voices.filter(function (v) { return /^(zh-hans|cmn|zh$)/.test(lang(v)); })[0] || null;
  }

  function blocks() {
    var found = [];
    // The controls name what to read (a selector list); read in the page's order.
    document.querySelectorAll(controls.getAttribute("data-read-aloud")).forEach(function (root) {
      var inner = root.matches(BLOCKS) ? [root] : root.querySelectorAll(BLOCKS);
      Array.prototype.forEach.call(inner, function (block) {
        var parent = block.parentElement && block.parentElement.closest(BLOCKS);
        if (block === root || !parent || !root.contains(parent)) found.push(block);
      });
    });
    return found;
  }

  // Wrap each sentence's text in spans (class ra-sentence, data-sentence = its number).
  function wrap() {
    var list = [];
    blocks().forEach(function (block) {
      var current = null;
      var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) {
        if (!walker.currentNode.parentElement.closest(".visually-hidden, .read-aloud")) nodes.push(walker.currentNode);
      }
      nodes.forEach(function (node) {
        var text = node.nodeValue;
        if (!text.trim()) return;
        var parts = [], last = 0, match;
        END.lastIndex = 0;
        while ((match = END.exec(text))) {
          parts.push([text.slice(last, match.index + match[0].length), true]);
          last = match.index + match[0].length;
        }
        if (last < text.length) parts.push([text.slice(last), false]);
        var fragment = document.createDocumentFragment();
        parts.forEach(function (part) {
          if (!part[0].trim()) {
            fragment.appendChild(document.createTextNode(part[0]));
            if (part[1]) current = null;
            return;
          }
          if (!current) { current = []; list.push(current); }
          var span = document.createElement("span");
          span.className = "ra-sentence";
          span.setAttribute("data-sentence", String(list.length - 1));
          span.textContent = part[0];
          current.push(span);
          fragment.appendChild(span);
          if (part[1]) current = null;
        });
        node.parentNode.replaceChild(fragment, node);
      });
    });
    return list;
  }

  function button(action) { return controls.querySelector("[data-read-aloud-action=" + action + "]"); }

  function show(next) {
    state = next;
    button("start").hidden = state !== "idle";
    button("pause").hidden = state !== "playing";
    button("resume").hidden = state !== "paused";
    button("stop").hidden = state === "idle";
    var status = controls.querySelector(".read-aloud-status");
    status.textContent = { idle: "", playing: "正在朗读", paused: "已暂停" }[state];
  }

  function highlight(number) {
    document.querySelectorAll(".ra-current").forEach(function (span) { span.classList.remove("ra-current"); });
    if (number === null || !sentences[number]) return;
    sentences[number].forEach(function (span) { span.classList.add("ra-current"); });
    if (sentences[number][0].scrollIntoView) sentences[number][0].scrollIntoView({ block: "nearest" });
  }

  function speak(number, token) {
    if (token !== run) return;
    if (number >= sentences.length) { highlight(null); show("idle"); return; }
    var text = sentences[number].map(function (span) { return span.textContent; }).join("").trim();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.voice = voice;
    utterance.rate = 0.9; // a little slower than the default, for older listeners
    utterance.onend = function () { speak(number + 1, token); };
    utterance.onerror = function (event) {
      if (event && (event.error === "interrupted" || event.error === "canceled")) return;
      speak(number + 1, token);
    };
    highlight(number);
    synth.speak(utterance);
  }

  controls.addEventListener("click", function (event) {
    var target = event.target.closest("[data-read-aloud-action]");
    if (!target) return;
    var action = target.getAttribute("data-read-aloud-action");
    if (action === "start") {
      if (!sentences) sentences = wrap();
      run += 1;
      synth.cancel();
      show("playing");
      speak(0, run);
      button("pause").focus();
    } else if (action === "pause") {
      synth.pause();
      show("paused");
      button("resume").focus();
    } else if (action === "resume") {
      synth.resume();
      show("playing");
      button("pause").focus();
    } else if (action === "stop") {
      run += 1;
      synth.cancel();
      highlight(null);
      show("idle");
      button("start").focus();
    }
  });

  // Voices may load after the page: show the controls once a Chinese one is there.
  function offer() {
    voice = chineseVoice();
    controls.hidden = voice === null;
  }
  offer();
  if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);
  // Leaving the page stops reading (a browser may otherwise read on).
  window.addEventListener("pagehide", function () { run += 1; synth.cancel(); });
})();
