// Page behaviour the Blazor client cannot get from .NET: other tabs' localStorage writes, the tab being shown again,
// the message list following a streaming answer, Enter in the message box, and the clipboard.
window.canvasBrowser = {
  // The localStorage entries under a prefix, keyed by the rest of their key, as JSON.
  entries(prefix) {
    const found = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(prefix)) { found[key.slice(prefix.length)] = localStorage.getItem(key); }
    }
    return JSON.stringify(found);
  },
  subscribe(listener, keyPrefix) {
    const onStorage = (event) => {
      if (event.key && event.key.startsWith(keyPrefix) && event.newValue) {
        listener.invokeMethodAsync('InFlightChanged', event.newValue);
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        listener.invokeMethodAsync('BecameVisible');
      }
    };
    window.addEventListener('storage', onStorage);
    document.addEventListener('visibilitychange', onVisibility);
    return {
      dispose() {
        window.removeEventListener('storage', onStorage);
        document.removeEventListener('visibilitychange', onVisibility);
      }
    };
  }
};

// The list stays at its bottom while it grows, unless the user scrolled up: then the pane says
// data-following="false" (CSS shows "Jump to latest") until they come back down or send a message.
window.canvasScroll = {
  follow(pane) {
    const list = pane.querySelector('.messages');
    const jump = pane.querySelector('.jump-latest');
    const slack = 32;
    let following = true;
    let lastTop = list.scrollTop;
    const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight <= slack;
    const set = (value) => { following = value; pane.dataset.following = String(value); };
    const toBottom = () => { list.scrollTop = list.scrollHeight; lastTop = list.scrollTop; };
    // Growth never moves scrollTop up, so only the user does: that alone stops following.
    const onScroll = () => {
      if (list.scrollTop < lastTop - 1 && !atBottom()) { set(false); } else if (atBottom()) { set(true); }
      lastTop = list.scrollTop;
    };
    const sentByUser = (mutation) => [...mutation.addedNodes].some(node => node.nodeType === 1 && node.matches('[data-role=user]'));
    const observer = new MutationObserver((mutations) => {
      if (mutations.some(sentByUser)) { set(true); }
      if (following) { toBottom(); }
    });
    const onJump = () => { set(true); toBottom(); };
    observer.observe(list, { childList: true, subtree: true, characterData: true });
    list.addEventListener('scroll', onScroll, { passive: true });
    jump.addEventListener('click', onJump);
    set(true);
    toBottom();
    return {
      dispose() {
        observer.disconnect();
        list.removeEventListener('scroll', onScroll);
        jump.removeEventListener('click', onJump);
      }
    };
  }
};

// Enter sends and Shift+Enter adds a line, as in every chat app; a composing IME keeps its Enter.
window.canvasInput = {
  attach(textarea) {
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        textarea.form?.requestSubmit();
      }
    });
  },
  focus(element) { element?.focus({ preventScroll: true }); }
};

// Markdown is rendered as inert HTML, so the code blocks' copy buttons are handled here, once for the page.
window.canvasClipboard = {
  async copy(text) {
    await navigator.clipboard.writeText(text);
  }
};
document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('.code-copy');
  if (!button) { return; }
  const code = button.closest('.code-block')?.querySelector('pre code');
  if (!code) { return; }
  try {
    await navigator.clipboard.writeText(code.textContent);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
});

// Infinite scroll: the conversation list's "Load more" button clicks itself when it scrolls into view.
window.canvasList = {
  loadMoreWhenSeen(button) {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some(entry => entry.isIntersecting) && !button.hidden) { button.click(); }
    });
    observer.observe(button);
    return {
      // Observing anew reports whether it is in view now: a page too short to push it out loads the next one too.
      recheck() { observer.unobserve(button); observer.observe(button); },
      dispose() { observer.disconnect(); }
    };
  }
};
