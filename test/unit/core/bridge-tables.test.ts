// What bridge tables read back is hostile: lines that do not match the grammar are dropped whole,
// JSON of another shape gives nothing, and sizes are bounded.
import { describe, expect, it } from 'vitest'
import {
  parseBridgeVlans,
  parseLinuxFdb,
  parseOfports,
  parseOvsFdb,
} from '../../../electron/core/bridge-tables.ts'

describe('ovs-appctl fdb/show', () => {
  it('reads rows, LOCAL and unknown ages, and drops every line that is not a row', () => {
    const text = [
      ' port  VLAN  MAC                Age',
      '    1    10  1a:56:ef:7d:7a:e1    0',
      'LOCAL     0  7e:cd:d9:e1:a3:4a    ?',
      '    2  5000  62:de:a0:87:9b:68    1',
      '    3    10  62:de:a0:87:9b:68    1 ; rm -rf /',
      '    4    10  zz:de:a0:87:9b:68    1',
      '\u001b[2J  5    10  62:de:a0:87:9b:68    1',
    ].join('\n')
    expect(parseOvsFdb(text)).toEqual([
      { port: '1', vlan: 10, mac: '1a:56:ef:7d:7a:e1', age: 0 },
      { port: 'LOCAL', vlan: 0, mac: '7e:cd:d9:e1:a3:4a', age: null },
    ])
  })
  it('reads at most a bounded number of rows', () => {
    const rows = Array.from({ length: 10_000 }, () => '    1    10  1a:56:ef:7d:7a:e1    0').join('\n')
    expect(parseOvsFdb(rows).length).toBeLessThanOrEqual(4096)
  })
})

describe('ovs-vsctl list Interface name,ofport', () => {
  it('maps names to numbers, and anything else to nothing', () => {
    expect(
      parseOfports('{"data":[["a",1],["b",["set",[]]],["c",65534]],"headings":["name","ofport"]}'),
    ).toEqual([
      ['a', 1],
      ['c', 65534],
    ])
    expect(parseOfports('not json')).toEqual([])
    expect(parseOfports('{"data":[["a","1"]],"headings":["name","ofport"]}')).toEqual([])
  })
})

describe('bridge -j fdb show / vlan show', () => {
  it("keeps the bridge's own entries, not the devices' self ones, and refuses bad MACs", () => {
    const json = JSON.stringify([
      { mac: '33:33:00:00:00:01', ifname: 'br', flags: ['self'], state: 'permanent' },
      { mac: '16:c2:34:15:dc:74', ifname: 'v1', flags: [], master: 'br', state: '' },
      { mac: 'da:f6:03:f4:9a:db', ifname: 'v1', flags: [], master: 'br', state: 'permanent' },
      { mac: '16:c2:34:15:dc:75', ifname: 'v2', flags: [], master: 'other', state: '' },
    ])
    expect(parseLinuxFdb(json, 'br')).toEqual([
      { mac: '16:c2:34:15:dc:74', vlan: null, device: 'v1', local: false },
      { mac: 'da:f6:03:f4:9a:db', vlan: null, device: 'v1', local: true },
    ])
    expect(parseLinuxFdb(JSON.stringify([{ mac: 'x; reboot', ifname: 'v1', master: 'br' }]), 'br')).toEqual(
      [],
    )
    expect(parseLinuxFdb('{', 'br')).toEqual([])
  })
  it('expands VLAN ranges with their PVID and untagged flags', () => {
    const json = JSON.stringify([
      {
        ifname: 'v1',
        vlans: [
          { vlan: 10, flags: ['PVID', 'Egress Untagged'] },
          { vlan: 20, vlanEnd: 22 },
        ],
      },
    ])
    expect(parseBridgeVlans(json).get('v1')).toEqual([
      { vlan: 10, pvid: true, untagged: true },
      { vlan: 20, pvid: false, untagged: false },
      { vlan: 21, pvid: false, untagged: false },
      { vlan: 22, pvid: false, untagged: false },
    ])
    expect(parseBridgeVlans(JSON.stringify([{ ifname: 'v1', vlans: [{ vlan: 9999 }] }])).size).toBe(0)
  })
})
