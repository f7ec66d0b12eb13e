export interface LayerRule {
  layer: string;
  forbidden: string[];
}
export declare const LAYER_RULES: LayerRule[];
