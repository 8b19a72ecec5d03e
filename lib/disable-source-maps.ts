/**
 * Imported first by the app entry points (import order is execution order), before cdktf
 * loads. cdktf captures a full stack trace for every token it creates; with tsx's source
 * maps on, Node maps each of them, and tsx inlines a map into every compiled file. Together
 * that is about a quarter of a synth. Synth errors we raise carry their own file and path.
 */
process.setSourceMapsEnabled(false);
