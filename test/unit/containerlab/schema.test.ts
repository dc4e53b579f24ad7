// What `export --format containerlab` writes, checked against containerlab's own JSON schema
// (test/fixtures/containerlab/schema: copied unchanged, BSD-3-Clause, notice beside it): every
// example lab's export validates, and so does the topology the integration test imports.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { exportContainerlab } from '../../../shared/containerlab/export.ts'
import { loadLab } from '../../../shared/lab/load.ts'

const root = resolve(import.meta.dirname, '..', '..', '..')
const fixtures = join(root, 'test', 'fixtures', 'containerlab')
const schema = JSON.parse(readFileSync(join(fixtures, 'schema', 'clab.schema.json'), 'utf8'))
// The schema carries editor keywords (markdownDescription) that strict mode would refuse.
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema)
/**
 * The schema's complaints, and one it cannot make: it gives the brief form's endpoints as
 * `prefixItems` (a later draft than the schema's own draft-07, so not enforced), while containerlab
 * reads a link without `type` as the brief form, whose endpoints must be "node:interface" strings.
 */
const problems = (topology: unknown) => {
  const found = validate(topology) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
  const links = (topology as { topology?: { links?: unknown } }).topology?.links
  ;(Array.isArray(links) ? links : []).forEach((link, i) => {
    const { type, endpoints } = link as { type?: unknown; endpoints?: unknown }
    if (type === undefined && Array.isArray(endpoints) && endpoints.some((e) => typeof e !== 'string'))
      found.push(`/topology/links/${i} endpoints as objects need a type (the brief form takes strings)`)
  })
  return found
}

const examples = join(root, 'examples')
const exampleFiles = readdirSync(examples).filter((f) => f.endsWith('.yaml'))

describe("containerlab's schema", () => {
  it.each(exampleFiles)('accepts the export of %s', (file) => {
    const lab = loadLab(readFileSync(join(examples, file), 'utf8'), file).lab!
    expect(problems(parse(exportContainerlab(lab).yaml))).toEqual([])
  })

  it('accepts the topology the import test applies, and refuses what it should (the check can fail)', () => {
    expect(problems(parse(readFileSync(join(fixtures, 'two-lans.clab.yml'), 'utf8')))).toEqual([])
    // What the export once wrote: objects where on-exit takes command strings, and an extended
    // link without its type.
    const lab = (node: object, link: object) => ({
      name: 'x',
      topology: { nodes: { a: { kind: 'linux', ...node }, b: { kind: 'linux' } }, links: [link] },
    })
    const extended = {
      endpoints: [
        { node: 'a', interface: 'eth1' },
        { node: 'b', interface: 'eth1' },
      ],
    }
    const onExit = {
      stages: { 'create-links': { exec: { 'on-exit': [{ command: 'true', target: 'host' }] } } },
    }
    const listed = {
      stages: { 'create-links': { exec: [{ command: 'true', target: 'host', phase: 'on-exit' }] } },
    }
    expect(problems(lab(listed, { type: 'veth', ...extended }))).toEqual([])
    expect(problems(lab(onExit, { type: 'veth', ...extended }))).not.toEqual([])
    expect(problems(lab(listed, extended))).not.toEqual([])
  })
})
