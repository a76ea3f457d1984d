// Page events the Blazor client cannot get from .NET: other tabs' localStorage writes and the tab being shown again.
window.canvasBrowser = {
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
