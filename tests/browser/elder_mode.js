/* In-page helpers for tests/browser/test_elder_mode.py: computed styles read as the
   适老化 figures ask (text size, tap targets, line and paragraph spacing, contrast, focus). */
window.__kb = (() => {
  const parse = (c) => {
    const m = c.match(/[\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  // The colour behind an element: its own background and its ancestors', composed over white.
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const visible = (el) => {
    if (el.closest('.visually-hidden, [hidden], svg')) return false;
    // Inside a closed <details> (content-visibility: hidden): not shown, not reachable.
    if (!el.checkVisibility({ visibilityProperty: true })) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.left < innerWidth;
  };
  // Visible elements holding text of their own.
  const texts = () => [...document.body.querySelectorAll('*')].filter(el =>
    [...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim()) && visible(el));
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) o *= parseFloat(getComputedStyle(n).opacity);
    return o;
  };
  const contrast = (el) => {
    const bg = background(el);
    const fg = parse(getComputedStyle(el).color);
    return ratio(over([fg[0], fg[1], fg[2], fg[3] * opacity(el)], bg), bg);
  };
  const name = (el) => {
    const classes = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    const text = (el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 16);
    return `${el.tagName.toLowerCase()}${classes} «${text}»`;
  };
  const ACTIONS = 'a[href], button, input:not([type=hidden]), select, textarea, summary';

  // 长辈模式: text >= 22px, headings larger, 60 x 60 targets, one column, nothing on hover.
  const figures = () => {
    const out = [];
    const body = parseFloat(getComputedStyle(document.body).fontSize);
    if (body < 22) out.push('body ' + body);
    for (const el of texts()) {
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 22) out.push(`text under 22px: ${name(el)} ${size}`);
    }
    for (const h of document.querySelectorAll('h1, h2, h3')) {
      if (visible(h) && parseFloat(getComputedStyle(h).fontSize) <= body) {
        out.push('heading not larger: ' + name(h));
      }
    }
    for (const el of document.querySelectorAll(ACTIONS)) {
      if (!visible(el) || el.closest('p') || el.classList.contains('skip-link')) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 60 || r.height < 60) {
        out.push(`tap target ${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
      }
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push('scrolls sideways');
    // One column: no two items of a list in main side by side.
    for (const list of document.querySelectorAll('main ul, main ol')) {
      if (getComputedStyle(list).display !== 'grid') continue;
      const tops = [...list.children].filter(visible).map(li => Math.round(li.getBoundingClientRect().top));
      if (new Set(tops).size !== tops.length) out.push('two columns: ' + name(list));
    }
    // Nothing behind hover: no rule shows, hides or grows anything on :hover.
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) {
        const hover = rule.selectorText && rule.selectorText.includes(':hover');
        if (hover && /display|visibility|opacity|height/.test(rule.style.cssText)) {
          out.push('hover rule ' + rule.selectorText);
        }
      }
    }
    return out;
  };

  // The content, apart from the display switch's own label, and the number of actions.
  const sameContent = () => {
    const main = document.querySelector('main').cloneNode(true);
    main.querySelectorAll('.display-settings').forEach(el => el.remove());
    return [main.textContent.replace(/\s+/g, ''), document.querySelectorAll(ACTIONS).length];
  };

  // Line height >= 1.3; paragraph gaps; text contrast >= minimum.
  const measure = (minimum) => {
    const out = [];
    for (const el of texts()) {
      const style = getComputedStyle(el);
      const size = parseFloat(style.fontSize);
      const line = style.lineHeight === 'normal' ? 0 : parseFloat(style.lineHeight);
      if (line < 1.3 * size - 0.01) out.push(`line height ${name(el)} ${line}/${size}`);
      const found = contrast(el);
      if (found < minimum && !el.closest(':disabled')) {
        out.push(`contrast ${found.toFixed(2)} ${name(el)}`);
      }
    }
    // Between paragraphs: at least 1.3 x the leading, and paragraph to paragraph
    // at least 1.3 x line to line.
    for (const p of document.querySelectorAll('main p + p')) {
      const prev = p.previousElementSibling;
      if (!visible(p) || !visible(prev)) continue;
      const style = getComputedStyle(prev);
      const line = parseFloat(style.lineHeight);
      const size = parseFloat(style.fontSize);
      const gap = p.getBoundingClientRect().top - prev.getBoundingClientRect().bottom;
      if (gap < 1.3 * (line - size) - 0.5 || gap + line < 1.3 * line - 0.5) {
        out.push(`paragraph gap ${gap.toFixed(1)} for line ${line}: ${name(p)}`);
      }
    }
    return out;
  };

  // The focused element: its outline, and that outline's contrast with what is around it.
  const focus = () => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
      id: el.dataset.kbAction || null,
      name: name(el),
      visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      contrast: ratio(parse(style.outlineColor), background(el.parentElement || el)),
    };
  };

  // Every visible action, numbered (data-kb-action), for the keyboard walk.
  const markActions = () => {
    const all = [...document.querySelectorAll(ACTIONS)]
      .filter(el => !el.disabled && (visible(el) || el.classList.contains('skip-link')));
    all.forEach((el, i) => { el.dataset.kbAction = String(i); });
    return all.length;
  };
  const unreached = (seen) => [...document.querySelectorAll('[data-kb-action]')]
    .filter(el => !seen.includes(el.dataset.kbAction)).map(name);

  return { figures, sameContent, measure, focus, markActions, unreached };
})();
