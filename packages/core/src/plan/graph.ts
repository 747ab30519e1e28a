/**
 * Dependency order for publishing: dependencies before dependents, ties
 * broken by name so the order never depends on the file system. Cycles are
 * found (Tarjan) and still ordered: when nothing is free, the package with the
 * fewest unpublished dependencies left (then the smallest name) goes first.
 */
export interface Graph {
  nodes: readonly string[];
  /** node → the nodes it depends on */
  dependsOn: ReadonlyMap<string, readonly string[]>;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function topologicalOrder(graph: Graph): string[] {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of graph.nodes) {
    remaining.set(node, 0);
    dependents.set(node, []);
  }
  for (const node of graph.nodes) {
    for (const dep of new Set(graph.dependsOn.get(node) ?? [])) {
      if (!remaining.has(dep) || dep === node) continue;
      remaining.set(node, remaining.get(node)! + 1);
      dependents.get(dep)!.push(node);
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  // A sorted ready list; small graphs (≤ thousands) make a binary insert cheap enough.
  const ready = graph.nodes.filter((n) => remaining.get(n) === 0).sort(byName);
  const insert = (node: string) => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid]! < node) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, node);
  };
  while (order.length < graph.nodes.length) {
    let next = ready.shift();
    if (next === undefined) {
      // A cycle: break it deterministically.
      let best: string | null = null;
      for (const [node, count] of remaining) {
        if (done.has(node)) continue;
        if (best === null || count < remaining.get(best)! || (count === remaining.get(best)! && node < best))
          best = node;
      }
      next = best!;
    }
    if (done.has(next)) continue;
    done.add(next);
    order.push(next);
    for (const dependent of dependents.get(next) ?? []) {
      if (done.has(dependent)) continue;
      const left = remaining.get(dependent)! - 1;
      remaining.set(dependent, left);
      if (left === 0) insert(dependent);
    }
  }
  return order;
}

/** Strongly connected components with more than one node (or a self-loop), each sorted, sorted by first name. */
export function findCycles(graph: Graph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const known = new Set(graph.nodes);

  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const dep of graph.dependsOn.get(node) ?? []) {
      if (!known.has(dep)) continue;
      if (!indices.has(dep)) {
        visit(dep);
        low.set(node, Math.min(low.get(node)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(node, Math.min(low.get(node)!, indices.get(dep)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.dependsOn.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort(byName));
    }
  };
  for (const node of [...graph.nodes].sort(byName)) if (!indices.has(node)) visit(node);
  return cycles.sort((a, b) => byName(a[0]!, b[0]!));
}
