// The exported picture is readable: read back from the SVG's own coordinates, for every example lab,
// every node is inside the picture, no two nodes overlap, no text overlaps other text, a chip or a
// node it is not part of, and each simulated host and machine is a labelled frame around its nodes.
// Text is measured as the brief for this check says: characters × font size × 0.6 wide, one font
// size tall (0.8 above the baseline, 0.2 below).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { linkIds } from '../../../shared/lab/normalize.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { autoLayout } from '../../../shared/layout/auto-layout.ts'
import { type Box, overlaps } from '../../../shared/layout/geometry.ts'
import { labPicture, labSvg } from '../../../shared/picture/picture.ts'
import { TRUNK_COLOUR, UNTAGGED_COLOUR, vlanColour } from '../../../shared/picture/vlan-colour.ts'

const examples = resolve(import.meta.dirname, '..', '..', '..', 'examples')
const yamlUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlUnder(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  )
const labs = yamlUnder(examples).map((f) => {
  const loaded = loadLab(readFileSync(f, 'utf8'), f)
  if (!loaded.lab) throw new Error(`${f} does not load`)
  return [relative(examples, f), loaded.lab] as const
})

interface Element {
  readonly tag: string
  readonly attrs: Readonly<Record<string, string>>
  /** The attributes of the elements it is inside, innermost first. */
  readonly within: readonly Readonly<Record<string, string>>[]
  /** A <text>'s characters, tspans included, entities decoded. */
  text: string
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

/** Every element of the SVG with its attributes and ancestors (the SVG is checked to be XML elsewhere). */
function elements(svg: string): Element[] {
  const out: Element[] = []
  const open: Element[] = []
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g)) {
    if (m[5] !== undefined) {
      const inText = open.findLast((e) => e.tag === 'text')
      if (inText) inText.text += decode(m[5])
      continue
    }
    if (m[1]) {
      open.pop()
      continue
    }
    const attrs = Object.fromEntries([...m[3]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]))
    const el: Element = { tag: m[2]!, attrs, within: open.map((e) => e.attrs).reverse(), text: '' }
    out.push(el)
    if (!m[4]) open.push(el)
  }
  return out
}

const num = (e: Element, a: string) => {
  const v = Number(e.attrs[a])
  if (!Number.isFinite(v)) throw new Error(`<${e.tag}> has no numeric ${a}`)
  return v
}
const rectBox = (e: Element): Box => ({
  x: num(e, 'x'),
  y: num(e, 'y'),
  width: num(e, 'width'),
  height: num(e, 'height'),
})

function textBox(e: Element): Box {
  const size = num(e, 'font-size')
  const width = e.text.length * size * 0.6
  const anchor = e.attrs['text-anchor'] ?? 'start'
  const x = num(e, 'x') - (anchor === 'middle' ? width / 2 : anchor === 'end' ? width : 0)
  return { x, y: num(e, 'y') - size * 0.8, width, height: size }
}

const contains = (outer: Box, inner: Box, slack = 0.01) =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack

/** What an element is part of: the nearest ancestor with one of these markers. */
const partOf = (e: Element, key: 'data-node' | 'class') =>
  e.within.find((a) => a[key] !== undefined && (key !== 'class' || a.class === 'chip'))?.[key]

interface Picture {
  readonly view: Box
  readonly nodes: Map<string, Box>
  readonly texts: { box: Box; text: string; node?: string; chip?: Box }[]
  readonly chips: Box[]
  readonly frames: Map<string, { box: Box; kind: string; title: Box[] }>
}

function read(svg: string): Picture {
  const [vx, vy, vw, vh] = /viewBox="([^"]+)"/.exec(svg)![1]!.split(' ').map(Number) as [
    number,
    number,
    number,
    number,
  ]
  const all = elements(svg)
  const nodes = new Map<string, Box>()
  const chips: Box[] = []
  const frames: Picture['frames'] = new Map()
  for (const e of all) {
    if (e.tag !== 'rect') continue
    const parent = e.within[0] ?? {}
    if (parent.class === 'node' && parent['data-node'] !== undefined)
      nodes.set(parent['data-node'], rectBox(e))
    if (parent.class === 'chip') chips.push(rectBox(e))
    if (parent.class === 'host-frame')
      frames.set(parent['data-host']!, { box: rectBox(e), kind: parent['data-host-kind']!, title: [] })
  }
  const texts: Picture['texts'] = []
  for (const e of all) {
    if (e.tag !== 'text' || e.text.trim() === '') continue
    const box = textBox(e)
    const node = partOf(e, 'data-node')
    const inChip = e.within[0]?.class === 'chip'
    // The chip's own rectangle: the one drawn just before this text, in the same group.
    const chip = inChip ? chips.find((c) => contains(c, { ...box, width: 0, height: 0 }, 0.5)) : undefined
    texts.push({ box, text: e.text, ...(node !== undefined ? { node } : {}), ...(chip ? { chip } : {}) })
    const host = e.within[0]?.class === 'host-frame' ? e.within[0]['data-host'] : undefined
    if (host !== undefined) frames.get(host)?.title.push(box)
  }
  return { view: { x: vx, y: vy, width: vw, height: vh }, nodes, texts, chips, frames }
}

/** Whether a <line> passes through a box (sampled along it: enough for boxes wider than 2px). */
function crosses(box: Box, line: Element): boolean {
  const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => num(line, a)) as [
    number,
    number,
    number,
    number,
  ]
  const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1))
  for (let i = 0; i <= steps; i++) {
    const x = x1 + ((x2 - x1) * i) / steps
    const y = y1 + ((y2 - y1) * i) / steps
    if (x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height) return true
  }
  return false
}

const show = (b: Box) => `(${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}×${b.height.toFixed(1)})`

/** Every way the picture is hard to read, as sentences; [] when it is fine. */
function readability(lab: Lab, svg: string): string[] {
  const p = read(svg)
  const problems: string[] = []
  const nodes = [...p.nodes]
  if (nodes.length !== Object.keys(lab.nodes).length)
    problems.push(`${nodes.length} node boxes for ${Object.keys(lab.nodes).length} nodes`)
  for (const [name, box] of nodes)
    if (!contains(p.view, box)) problems.push(`node ${name} is outside the picture`)
  for (const t of p.texts)
    if (!contains(p.view, t.box)) problems.push(`text "${t.text}" is outside the picture`)
  nodes.forEach(([a, boxA], i) => {
    for (const [b, boxB] of nodes.slice(i + 1))
      if (overlaps(boxA, boxB)) problems.push(`nodes ${a} and ${b} overlap`)
  })
  p.texts.forEach((t, i) => {
    for (const u of p.texts.slice(i + 1))
      if (overlaps(t.box, u.box))
        problems.push(`text "${t.text}" ${show(t.box)} overlaps "${u.text}" ${show(u.box)}`)
    for (const [name, box] of nodes) {
      if (t.node === name) {
        if (!contains(box, t.box)) problems.push(`text "${t.text}" ${show(t.box)} sticks out of node ${name}`)
      } else if (overlaps(t.box, box)) problems.push(`text "${t.text}" ${show(t.box)} overlaps node ${name}`)
    }
    for (const c of p.chips)
      if (c !== t.chip && overlaps(t.box, c))
        problems.push(`text "${t.text}" ${show(t.box)} overlaps a chip ${show(c)}`)
    if (t.chip && !contains(t.chip, t.box)) problems.push(`chip text "${t.text}" sticks out of its chip`)
  })
  p.chips.forEach((c, i) => {
    for (const d of p.chips.slice(i + 1))
      if (overlaps(c, d)) problems.push(`chips ${show(c)} and ${show(d)} overlap`)
    for (const [name, box] of nodes)
      if (overlaps(c, box)) problems.push(`a chip ${show(c)} overlaps node ${name}`)
  })
  for (const [host, spec] of Object.entries(lab.hosts ?? {})) {
    const frame = p.frames.get(host)
    if (!frame) {
      problems.push(`host ${host} has no frame`)
      continue
    }
    const kind = spec.ssh !== undefined ? 'machine' : 'simulated'
    if (frame.kind !== kind) problems.push(`host ${host} is drawn as ${frame.kind}, not ${kind}`)
    if (!frame.title.length) problems.push(`the frame of ${host} has no title`)
    for (const t of frame.title)
      if (!contains(frame.box, t)) problems.push(`the title of ${host} sticks out of its frame`)
    for (const [name, node] of Object.entries(lab.nodes))
      if (node.host === host && !contains(frame.box, p.nodes.get(name)!))
        problems.push(`node ${name} is outside the frame of ${host}`)
  }
  return problems
}

describe('the exported picture is readable', () => {
  it('the examples include simulated hosts and machines (else the frame checks below check nothing)', () => {
    const specs = labs.flatMap(([, lab]) => Object.values(lab.hosts ?? {}))
    expect(specs.some((h) => h.ssh !== undefined)).toBe(true)
    expect(specs.some((h) => h.netns === true)).toBe(true)
  })

  it.each(labs)('%s: nodes inside, nothing overlaps, every host framed with its nodes', async (_f, lab) => {
    const svg = await labPicture(lab)
    expect(readability(lab, svg)).toEqual([])
    expect(read(svg).frames.size).toBe(Object.keys(lab.hosts ?? {}).length)
  })

  it('the checker finds what it looks for: overlapping nodes, a label on a node, a missing frame', () => {
    const [, lab] = labs.find(([f]) => f === 'three-hosts.yaml')!
    // Every node at one place: nodes, their text and the labels pile up.
    const piled = labSvg({
      ...lab,
      layout: Object.fromEntries(Object.keys(lab.nodes).map((n) => [n, { x: 0, y: 0 }])),
    })
    const problems = readability(lab, piled)
    expect(problems.some((p) => /^nodes \S+ and \S+ overlap$/.test(p))).toBe(true)
    expect(problems.some((p) => / overlaps node /.test(p))).toBe(true)
    const frameless = labSvg(lab).replace(
      /<g class="host-frame" data-host="leaf1"/,
      '<g class="gone" data-host="leaf1"',
    )
    expect(readability(lab, frameless)).toContain('host leaf1 has no frame')
  })

  it("places nodes at the lab's own layout, and a lab without one as the editor lays it out", async () => {
    const [, lab] = labs.find(([f]) => f === 'three-hosts.yaml')!
    const laid = await autoLayout(lab)
    const own = read(await labPicture(laid)).nodes
    for (const [name, at] of Object.entries(laid.layout!))
      if (name in lab.nodes) expect(own.get(name)).toMatchObject(at)
    const fresh = read(await labPicture(lab)).nodes
    expect(fresh).toEqual(own)
    // A lab that places some nodes keeps them there; the rest are laid out around them.
    const some = { ...lab, layout: { web1: { x: 2000, y: 2000 } } }
    const mixed = read(await labPicture(some))
    expect(mixed.nodes.get('web1')).toMatchObject({ x: 2000, y: 2000 })
    expect(readability(some, await labPicture(some)).filter((p) => p.startsWith('nodes '))).toEqual([])
  })

  it('three-hosts: labels at the guest end, chips at the bridge end, one colour per VLAN, thick trunks, a legend', async () => {
    const [, lab] = labs.find(([f]) => f === 'three-hosts.yaml')!
    const svg = await labPicture(lab)
    const all = elements(svg)
    const p = read(svg)
    const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })
    const distance = (a: Box, b: Box) => Math.hypot(centre(a).x - centre(b).x, centre(a).y - centre(b).y)
    const ids = linkIds(lab.links ?? [])
    const rectIn = (cls: string, id: string) =>
      all.find((e) => e.tag === 'rect' && e.within[0]?.class === cls && e.within[0]['data-link'] === id)
    ;(lab.links ?? []).forEach((link, i) => {
      const id = ids[i]!
      const line = all.find(
        (e) => e.tag === 'line' && e.attrs.class === 'link' && e.attrs['data-link'] === id,
      )!
      const trunk = 'between' in link && (link.trunk ?? []).length > 0
      expect(line.attrs.stroke, id).toBe(
        link.vlan !== undefined ? vlanColour(link.vlan).css : trunk ? TRUNK_COLOUR : UNTAGGED_COLOUR.css,
      )
      expect(Number(line.attrs['stroke-width']), id).toBe(trunk ? 6 : 3)
      if (!('guest' in link)) {
        // A trunk's label holds a chip per VLAN it carries.
        const chips = all.filter(
          (e) => e.tag === 'g' && e.attrs.class === 'chip' && e.within[0]?.['data-link'] === id,
        )
        expect(
          chips.map((c) => Number(c.attrs['data-vlan'])),
          id,
        ).toEqual(link.trunk)
        return
      }
      const guest = p.nodes.get(link.guest)!
      const bridge = p.nodes.get(link.to)!
      const label = rectBox(rectIn('link-label', id)!)
      // At the guest: next to its box, or (when the room there is taken) on its own line, nearer the guest.
      const gap = Math.max(
        guest.x - (label.x + label.width),
        label.x - (guest.x + guest.width),
        guest.y - (label.y + label.height),
        label.y - (guest.y + guest.height),
      )
      const onLine = crosses(label, line)
      expect(
        gap <= 8 || onLine,
        `${id}: label ${show(label)} is neither by ${link.guest} nor on its line`,
      ).toBe(true)
      if (!onLine) expect(distance(label, guest), id).toBeLessThan(distance(label, bridge))
      const texts = all
        .filter(
          (e) => e.tag === 'text' && e.within[0]?.class === 'link-label' && e.within[0]['data-link'] === id,
        )
        .map((e) => e.text)
      expect(texts, id).toEqual([link.ifname ?? 'eth1', link.ip])
      if (link.vlan === undefined) return
      const chip = rectBox(rectIn('chip', id)!)
      expect(rectIn('chip', id)!.attrs.fill, id).toBe(vlanColour(link.vlan).css)
      expect(distance(chip, bridge), id).toBeLessThan(distance(chip, guest))
    })
    const legend = all.filter(
      (e) => e.tag === 'g' && e.attrs.class === 'chip' && e.within[0]?.class === 'legend',
    )
    expect(legend.map((c) => Number(c.attrs['data-vlan']))).toEqual([10, 20, 30])
  })
})
