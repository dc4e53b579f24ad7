/** Disjoint sets over string keys (or bare ids), with path halving and union by size. */
export class UnionFind {
  private readonly ids = new Map<string, number>()
  private parent: number[] = []
  private size: number[] = []

  id(key: string): number {
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.add()
      this.ids.set(key, id)
    }
    return id
  }

  /** A new set with no key: for callers that keep the id themselves. */
  add(): number {
    const id = this.parent.length
    this.parent.push(id)
    this.size.push(1)
    return id
  }

  find(id: number): number {
    const parent = this.parent
    while (parent[id] !== id) {
      parent[id] = parent[parent[id]!]!
      id = parent[id]!
    }
    return id
  }

  union(a: number, b: number): void {
    let ra = this.find(a)
    let rb = this.find(b)
    if (ra === rb) return
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra]
    this.parent[rb] = ra
    this.size[ra]! += this.size[rb]!
  }
}
