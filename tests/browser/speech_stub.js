/* A recorder in place of the browser's speech synthesis (test_elder_mode.py): Debian's
   headless Chromium has no voices. VOICES is replaced by the test. What was spoken and
   pause/resume/cancel are kept in window.__speech; window.__speechEnd() ends the
   utterance being spoken; window.__addVoice(lang) adds a voice later (voiceschanged). */
(() => {
  const voices = VOICES;
  const record = { spoken: [], calls: [], current: null };
  const listeners = [];
  window.__speech = record;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
  const synth = {
    speaking: false,
    paused: false,
    getVoices() { return voices; },
    speak(u) {
      record.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang });
      record.current = u;
      this.speaking = true;
    },
    pause() { record.calls.push('pause'); this.paused = true; },
    resume() { record.calls.push('resume'); this.paused = false; },
    cancel() {
      record.calls.push('cancel');
      const u = record.current;
      record.current = null;
      this.speaking = false;
      if (u && u.onerror) u.onerror({ error: 'interrupted' });
    },
    addEventListener(name, fn) { listeners.push(fn); },
  };
  window.__speechEnd = () => {
    const u = record.current;
    record.current = null;
    if (u && u.onend) u.onend({});
  };
  window.__addVoice = (lang) => {
    voices.push({ lang, name: lang });
    listeners.forEach(fn => fn());
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();
