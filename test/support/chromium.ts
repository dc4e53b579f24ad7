// Debian's Chromium, headless, as the e2e tests and the canvas bench drive it (playwright-core
// brings no browser of its own; build/lab-host.sh installs /usr/bin/chromium).
import { type Browser, chromium } from 'playwright-core'

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
