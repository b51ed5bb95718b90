/** `pt.backbones.*`. */
export { mlp, type MlpArgs } from "./mlp.js";
export { convNet, type ConvNetArgs } from "./convNet.js";
export { resNet, type ResNetArgs } from "./resNet.js";
export { text, type TextArgs } from "./text.js";
export { pretrained, type PretrainedArgs } from "./pretrained.js";
export type { Backbone } from "./types.js";
