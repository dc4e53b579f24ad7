// What `ip -j` prints about interfaces a guest named and aliased itself. ip escapes quotes,
// backslashes, tabs and newlines, and prints every other control character raw (tried here with
// iproute2 6.1: `ip link set X alias $'a\x01b'`), which JSON.parse refuses.
import { describe, expect, it } from 'vitest'
import { parseInterfaces, splitBatchJson } from '../../../electron/core/observe/ip-json.ts'

/** One link as ip prints it, the name and alias written the way ip writes them. */
const ipLink = (ifname: string, alias: string) =>
  `[{"ifindex":3,"ifname":"${ifname}","flags":["UP","LOWER_UP"],"mtu":1500,"operstate":"UP","address":"02:00:00:00:00:01","ifalias":"${alias}","addr_info":[]}]`

describe('interfaces read back from a guest', () => {
  it.each([
    ['an alias with \\x01', 'eth1', 'a\x01b', 'eth1', 'a\x01b'],
    ['an alias with NUL', 'eth1', 'a\x00b', 'eth1', 'a\x00b'],
    ['an alias with a terminal escape', 'eth1', '\x1b[2Jx', 'eth1', '\x1b[2Jx'],
    ['an alias with DEL and \\x1f', 'eth1', '\x7f\x1f', 'eth1', '\x7f\x1f'],
    ['an alias with every control character', 'eth1', ctl(), 'eth1', ctl()],
    [
      'an alias ip escaped (quote, backslash, tab, newline)',
      'eth1',
      'a\\"b\\\\c\\td\\ne',
      'eth1',
      'a"b\\c\td\ne',
    ],
    ['a control character in the name', 'x\x01y', 'plain', 'x\x01y', 'plain'],
    [
      'a mark followed by batch lines',
      'eth1',
      'patchbay:l:link:x\x0bnetns add pwn',
      'eth1',
      'patchbay:l:link:x\x0bnetns add pwn',
    ],
  ])('%s parses, losslessly', (_what, ifname, alias, name, readAlias) => {
    const [link] = parseInterfaces(ipLink(ifname, alias))
    expect(link).toMatchObject({ name, alias: readAlias, operState: 'UP', ifindex: 3 })
  })

  it('a batch of two documents, the first with a raw control character, splits and parses both', () => {
    const [addrs, routes] = splitBatchJson(`${ipLink('eth1', 'a\x01b')}\n[]\n`)
    expect(parseInterfaces(addrs!)[0]?.alias).toBe('a\x01b')
    expect(routes).toBe('[]')
  })

  it('a veth whose peer is in the same namespace finds its peer by the name ip gives (no link_index)', () => {
    // As iproute2 6.1 prints a wire between two bridges of one host: `"link":"t2"`, no index.
    const veth = (ifindex: number, ifname: string, link: string) =>
      `{"ifindex":${ifindex},"link":"${link}","ifname":"${ifname}","flags":["UP"],"mtu":1500,"operstate":"UP","address":"02:00:00:00:00:0${ifindex}","linkinfo":{"info_kind":"veth"},"addr_info":[]}`
    const [t1, t2, lost] = parseInterfaces(
      `[${veth(7, 't1', 't2')},${veth(8, 't2', 't1')},${veth(9, 'x', 'gone')}]`,
    )
    expect(t1?.peerIfindex).toBe(8)
    expect(t2?.peerIfindex).toBe(7)
    expect(lost?.peerIfindex).toBeNull()
  })

  it.each([
    ['text that is not JSON', 'setting the network namespace failed', SyntaxError],
    ['JSON cut short', '[{"ifindex":3,"ifname":"eth1"', SyntaxError],
    ['JSON of another shape', '[{"ifindex":"three","ifname":1}]', Error],
  ])('%s still throws (observe then calls that namespace unreadable)', (_what, text, error) => {
    expect(() => parseInterfaces(text)).toThrow(error)
  })
})

/** Every C0 control character ip prints raw: all but tab, newline and carriage return (escaped). */
function ctl(): string {
  let text = ''
  for (let c = 0; c < 0x20; c++) if (c !== 0x09 && c !== 0x0a && c !== 0x0d) text += String.fromCharCode(c)
  return text
}
