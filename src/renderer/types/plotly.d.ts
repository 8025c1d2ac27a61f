// plotly.js-strict-dist-min ships no types; it is the plotly.js API that @types/plotly.js describes.
declare module 'plotly.js-strict-dist-min' {
  import * as Plotly from 'plotly.js';
  export * from 'plotly.js';
  export default Plotly;
}
