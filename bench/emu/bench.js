// A mix for QuickJS: objects and classes, arrays and sort, strings and regular
// expressions, JSON, closures, Map/Set. scriptArgs[0] scales it.
const n = parseInt(scriptArgs[0] || "20000");
class Vec { constructor(x, y) { this.x = x; this.y = y; }
  add(o) { return new Vec(this.x + o.x, this.y + o.y); } len() { return Math.hypot(this.x, this.y); } }
let v = new Vec(0, 0);
for (let i = 0; i < n * 5; i++) v = v.add(new Vec(i % 7 - 3, i % 5 - 2));
const arr = [];
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
for (let i = 0; i < n; i++) arr.push({ id: i, key: rnd() % 100000, name: "item" + (rnd() % 997) });
arr.sort((a, b) => a.key - b.key || a.id - b.id);
const words = new Map();
for (const o of arr) words.set(o.name, (words.get(o.name) || 0) + 1);
let text = "";
for (let i = 0; i < n / 4; i++) text += "The quick brown fox " + i + " jumps over the lazy dog. ";
const re = /(\w+) (\d+) jumps/g;
let m, hits = 0, digits = 0;
while ((m = re.exec(text)) !== null) { hits++; digits += m[2].length; }
const json = JSON.stringify(arr.slice(0, n / 10));
const back = JSON.parse(json);
const counters = [];
for (let i = 0; i < 100; i++) { let c = i; counters.push(() => (c = (c * 31 + 7) % 1009)); }
let acc = 0;
for (let i = 0; i < n * 2; i++) acc += counters[i % 100]();
const set = new Set(arr.map(o => o.key % 4096));
print(v.x, v.y, v.len().toFixed(3), arr[0].key, arr[n - 1].key, words.size, hits, digits,
      json.length, back.length, acc, set.size, text.toUpperCase().split("FOX").length);
