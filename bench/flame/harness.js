// Stands in for VS Code around the flame chart webview app: the webview API, the theme
// variables, and delivery of the host's messages through window 'message' events.
(() => {
  const themes = {
    dark: {
      'editor-background': '#1f1f1f',
      'editor-foreground': '#cccccc',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-size': '13px',
      'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-yellow': '#cca700',
      'charts-orange': '#d18616',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
      focusBorder: '#0078d4',
      'input-background': '#313131',
      'input-foreground': '#cccccc',
      'input-border': '#3c3c3c',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'panel-border': '#2b2b2b',
      'editorHoverWidget-background': '#202020',
      'editorHoverWidget-border': '#454545',
      'widget-shadow': '#0000005c',
      'list-hoverBackground': '#2a2d2e',
      'textLink-foreground': '#4daafc',
      'editorWarning-foreground': '#cca700',
      'errorForeground': '#f85149',
    },
    light: {
      'editor-background': '#ffffff',
      'editor-foreground': '#3b3b3b',
      foreground: '#3b3b3b',
      descriptionForeground: '#3b3b3b',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-size': '13px',
      'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803',
      'charts-orange': '#d18616',
      'charts-green': '#388a34',
      'charts-purple': '#652d90',
      focusBorder: '#005fb8',
      'input-background': '#ffffff',
      'input-foreground': '#3b3b3b',
      'input-border': '#cecece',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'panel-border': '#e5e5e5',
      'editorHoverWidget-background': '#f8f8f8',
      'editorHoverWidget-border': '#c8c8c8',
      'widget-shadow': '#00000029',
      'list-hoverBackground': '#f2f2f2',
      'textLink-foreground': '#005fb8',
      'editorWarning-foreground': '#bf8803',
      'errorForeground': '#f85149',
    },
  };

  function applyTheme(name) {
    const vars = themes[name] || themes.dark;
    document.body.classList.remove('vscode-light', 'vscode-dark');
    document.body.classList.add(name === 'light' ? 'vscode-light' : 'vscode-dark');
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty('--vscode-' + k, v);
  }

  const params = new URLSearchParams(location.search);
  applyTheme(params.get('theme') || 'dark');

  const sent = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => sent.push(m),
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  });

  const ctors = { Int32Array, Uint16Array, Uint32Array, Float64Array, Float32Array, Uint8Array, Int16Array };

  window.harness = {
    sent,
    getState: () => state,
    applyTheme,
    doc: undefined,
    /** Fetches the encoded document; each typed array gets its own buffer, as postMessage from VS Code gives. */
    async load() {
      const [header, body] = await Promise.all([fetch('/doc.json').then((r) => r.json()), fetch('/doc.bin').then((r) => r.arrayBuffer())]);
      const decode = (obj) => {
        for (const [key, a] of Object.entries(obj.arrays)) {
          const Ctor = ctors[a.type];
          obj[key] = new Ctor(body, a.offset, a.length).slice();
        }
        delete obj.arrays;
        if (obj.layout) decode(obj.layout);
      };
      for (const view of Object.values(header.views)) decode(view);
      this.doc = header;
      return header.views.timeline ? header.views.timeline.count : 0;
    },
    deliver(message) {
      window.postMessage(message, '*');
    },
    deliverDocument(source) {
      performance.mark('harness:dispatch');
      window.postMessage({ type: 'document', source, doc: this.doc }, '*');
    },
  };
})();
