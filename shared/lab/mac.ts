import { md5 } from '@noble/hashes/legacy.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

const MAC = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/
const SEED = /^[A-Za-z0-9_.:-]{1,64}$/

/** Why `mac` cannot be a guest interface's MAC (`aa:bb:cc:dd:ee:ff` or pipework's `U:seed`), or null. */
export function macProblem(mac: string): string | null {
  if (mac.startsWith('U:')) {
    return SEED.test(mac.slice(2))
      ? null
      : `${JSON.stringify(mac)}: the seed after "U:" uses 1-64 of A-Z a-z 0-9 _ . : -`
  }
  if (!MAC.test(mac)) return `${JSON.stringify(mac)} is not a MAC address like 02:42:ac:11:00:02 or U:seed`
  if (Number.parseInt(mac.slice(0, 2), 16) & 1) return `${JSON.stringify(mac)} is a multicast MAC address`
  if (/^(00:){5}00$/.test(mac)) return `${JSON.stringify(mac)} is the all-zero MAC address`
  return null
}

/**
 * The MAC a `U:seed` stands for: pipework's `echo $seed | md5sum`, first five bytes after a locally
 * administered 02 prefix. Same seed, same MAC, on every machine, as pipework users already rely on.
 */
export function resolveMac(mac: string): string {
  if (!mac.startsWith('U:')) return mac.toLowerCase()
  const hex = bytesToHex(md5(utf8ToBytes(`${mac.slice(2)}\n`)))
  return ['02', ...(hex.slice(0, 10).match(/../g) ?? [])].join(':')
}
