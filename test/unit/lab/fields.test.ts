import { describe, expect, it } from 'vitest'
import { inSubnet, parseCidr } from '../../../shared/lab/addresses.ts'
import { macProblem, resolveMac } from '../../../shared/lab/mac.ts'
import { ifnameProblem } from '../../../shared/lab/names.ts'

describe('field rules', () => {
  it('U:seed gives the MAC pipework gives: 02 and the first five bytes of md5("seed\\n")', () => {
    // `echo test1 | md5sum` = 3e7705498e8be60520841409ebc69bc1
    expect(resolveMac('U:test1')).toBe('02:3e:77:05:49:8e')
    expect(resolveMac('02:AA:bb:cc:dd:ee')).toBe('02:aa:bb:cc:dd:ee')
  })

  it('rejects multicast and malformed MACs', () => {
    expect(macProblem('01:00:5e:00:00:01')).toContain('multicast')
    expect(macProblem('02:00:00:00:00')).toContain('is not a MAC address')
    expect(macProblem('U:')).toContain('seed')
    expect(macProblem('02:42:ac:11:00:02')).toBeNull()
  })

  it('interface names: 15 bytes, counted in bytes, safe characters only', () => {
    expect(ifnameProblem('veth-abcdefghij')).toBeNull()
    expect(ifnameProblem('veth-abcdefghijk')).toBe(
      '"veth-abcdefghijk" is 16 bytes; Linux interface names are at most 15',
    )
    expect(ifnameProblem('ethé')).toContain('"é"')
    expect(ifnameProblem('eth0;reboot')).toContain('";"')
    expect(ifnameProblem('-eth0')).toContain('starts with "-"')
  })

  it('parses CIDRs of both families and knows their subnets', () => {
    expect(parseCidr('10.0.0.7/24')).toMatchObject({ family: 4, address: '10.0.0.7', subnet: '10.0.0.0/24' })
    expect(parseCidr('2001:db8:0::5/64')).toMatchObject({
      family: 6,
      address: '2001:db8::5',
      subnet: '2001:db8::/64',
    })
    expect(parseCidr('10.0.0.300/24')).toContain('is not an IPv4 or IPv6 address')
    expect(parseCidr('10.0.0.1/33')).toContain('prefix length must be 0-32')
    expect(parseCidr('0x0a.0.0.1/8')).toContain('is not an IPv4 or IPv6 address')
    expect(inSubnet('10.0.0.254', parseCidr('10.0.0.7/24') as never)).toBe(true)
    expect(inSubnet('10.0.1.254', parseCidr('10.0.0.7/24') as never)).toBe(false)
  })
})
