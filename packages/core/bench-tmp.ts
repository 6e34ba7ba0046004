import { evaluateExpression } from './src/runtime/evaluate.js';
import { createVirtualClock } from './src/runtime/clock.js';
const clock = createVirtualClock();
const src = process.argv[2]!;
const t = performance.now();
const r = await evaluateExpression(src, {}, clock).catch((e) => `${e.code} ${e.message}`);
console.log(src, '→', String(r).slice(0, 140), Math.round(performance.now() - t), 'ms', Math.round(process.memoryUsage().heapUsed / 1e6), 'MB');
