// A stand-in for @types/react's JSX shape since React 19 (and 18.3 with react-jsx): `JSX` is a namespace of the
// `react` module, so elements are added by augmenting that module, not the global `JSX`. React is not installed.
export namespace JSX {
  interface Element {
    readonly type: unknown;
  }
  interface ElementChildrenAttribute {
    children: {};
  }
  interface IntrinsicAttributes {
    key?: string | number;
  }
  interface IntrinsicElements {
    div: { id?: string; children?: unknown };
  }
}
