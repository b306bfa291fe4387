import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openSandboxWorld, type SandboxWorld } from '../sandbox/sandbox-world.ts';

/**
 * The browser tier: Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) driven by
 * playwright-core on the sandbox page, which talks to the real bot on the sample estate. Screenshots
 * of each step are kept in test-artifacts/browser/ (ignored by git); UPDATE_SANDBOX_SCREENSHOT=1
 * also writes the README's docs/sandbox.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available)
  console.log(
    `browser tier skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );

const ARTIFACTS = join('test-artifacts', 'browser');

describe.skipIf(!available)('the sandbox page in Chromium', () => {
  let world: SandboxWorld;
  let browser: Browser;
  let page: Page;
  let step = 0;
  const shot = (name: string) =>
    page.screenshot({
      path: join(ARTIFACTS, `${String(++step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    [world, browser] = await Promise.all([
      openSandboxWorld({ speed: 200 }),
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Without the background-networking flags Chromium keeps calling Google's hosts, which a
        // closed network refuses; --no-sandbox because CI runs as root.
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A button's confirm dialog is accepted, as a person would.
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  // A failed step leaves its page as an artifact too, to see what the bot showed instead.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page)
      await shot(`FAILED-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  // Chromium and the bot's jobs can take a while to stop on a loaded CI machine.
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  }, 90_000);

  it('runs /efs-encrypt scan from the page and shows the summary rendered from its blocks', async () => {
    await page.goto(world.sandbox.url);
    await expect.poll(() => page.locator('#act-as option').count()).toBeGreaterThan(2);
    await page.fill('#command', '/efs-encrypt scan');
    await page.press('#command', 'Enter');
    const header = page.locator('.message .header', {
      hasText: /EFS scan: \d+ unencrypted of \d+ file systems/,
    });
    await header.waitFor({ timeout: 30_000 });
    await page.locator('.message button', { hasText: 'Plan migrations…' }).waitFor();
    // mrkdwn rendered, not shown raw: a file system ID in code, bold titles.
    expect(await page.locator('.message code', { hasText: /^fs-/ }).count()).toBeGreaterThan(0);
    expect(await page.locator('.message strong', { hasText: 'Unencrypted' }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#rejected').isHidden()).toBe(true);
    await shot('scan-summary');
    if (process.env.UPDATE_SANDBOX_SCREENSHOT) {
      await page.locator('#channel').evaluate((channel) => channel.scrollTo(0, 0));
      await page.screenshot({ path: join('docs', 'sandbox.png') });
    }
  }, 60_000);

  it('opens the thread with the scan progress', async () => {
    await page.locator('.message .replies').first().click();
    await page.locator('#thread .message').nth(1).waitFor();
    await shot('scan-thread');
  });

  it('Plan migrations… opens the plan modal for the admin', async () => {
    await page.locator('#channel .message button', { hasText: 'Plan migrations…' }).click();
    const modal = page.locator('#modal');
    await modal.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => modal.locator('.title').textContent()).toMatch(/plan/i);
    expect(await modal.locator('.input').count()).toBeGreaterThan(0);
    await shot('plan-modal');
  }, 30_000);

  it('the modal shows the errors the bot answers (response_action: errors), then takes a valid decision', async () => {
    const modal = page.locator('#modal');
    const first = (label: string) => modal.locator('.input', { hasText: label }).first();
    await first('Scope of').locator('label', { hasText: 'Excluded' }).click();
    await modal.locator('#modal-submit').click();
    const error = modal.locator('.input .error').first();
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toMatch(/reason/i);
    await shot('plan-modal-errors');

    await first('Scope of').locator('label', { hasText: 'In scope' }).click();
    // The key picker is an external_select: its options come from the bot's options endpoint.
    const picker = first('Target KMS key');
    await picker.locator('input').fill('elastic');
    const found = picker.locator('select');
    await found.waitFor({ state: 'visible', timeout: 15_000 });
    await expect
      .poll(() => found.locator('option').allTextContents(), { timeout: 15_000 })
      .toContain('aws/elasticfilesystem · AWS managed');
    await shot('plan-modal-key-options');
    await found.selectOption({ label: 'aws/elasticfilesystem · AWS managed' });
    await expect.poll(() => picker.locator('input').inputValue()).toBe('aws/elasticfilesystem · AWS managed');
    await first('Method').locator('select').selectOption({ label: 'AWS DataSync' });
    await modal.locator('#modal-submit').click();
    // Page 2 replaces page 1 (response_action: update); its submit is Save.
    await expect.poll(() => modal.locator('.title').textContent(), { timeout: 15_000 }).toMatch(/2\/2/);
    await modal.locator('#modal-submit').click();
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', timeout: 15_000 });
    await page.locator('.message button', { hasText: 'Review build' }).first().waitFor({ timeout: 15_000 });
    await shot('plan-summary');
  }, 60_000);

  it('Review build posts the exact AWS calls the build will make', async () => {
    await page.locator('.message button', { hasText: 'Review build' }).first().click();
    const review = page.locator('.message', { hasText: 'CreateFileSystem' });
    await review.first().waitFor({ timeout: 20_000 });
    await shot('review-build');
  }, 30_000);

  it('Build all builds the encrypted twin and offers the copy', async () => {
    await page.locator('.message button', { hasText: 'Build all' }).first().click();
    await page.locator('.message button', { hasText: 'Start copy' }).first().waitFor({ timeout: 30_000 });
    await shot('built');
  }, 40_000);

  it('Start copy, then Final sync, then Review cutover shows the approval buttons', async () => {
    const button = (text: string | RegExp) => page.locator('.message button', { hasText: text }).last();
    await button('Start copy').click();
    await button(/^Final sync$/).waitFor({ timeout: 30_000 });
    await shot('copied');
    await button(/^Final sync$/).click();
    await button('Review cutover').waitFor({ timeout: 30_000 });
    await button('Review cutover').click();
    await button(/Approve cutover of/).waitFor({ timeout: 30_000 });
    await shot('cutover-review');
  }, 90_000);

  it('the cutover is refused to someone else and approved by the application owner', async () => {
    const approve = page.locator('.message button', { hasText: /Approve cutover of/ }).last();
    await page.selectOption('#act-as', 'U0SOMEONE1');
    await approve.click();
    const refusal = page.locator('.message.ephemeral').last();
    await refusal.waitFor({ timeout: 15_000 });
    expect(await page.locator('.message', { hasText: /Approved\s+by/ }).count()).toBe(0);
    await shot('cutover-refused');

    await page.selectOption('#act-as', 'U07JENKINS1');
    await approve.click();
    await page
      .locator('.message', { hasText: /Approved\s+by/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await shot('cutover-approved');
    await page.selectOption('#act-as', 'U0SANDADMIN');
  }, 60_000);

  const button = (text: string | RegExp) => page.locator('.message button', { hasText: text }).last();
  let decommissioned = '';

  /** jenkins:2 and jenkins:3, which no service runs after the cutover, deregistered through the SDK. */
  async function deregisterOldJenkinsRevisions() {
    const { ECSClient, DeregisterTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
    const clients = await world.runtime.accounts.sdkClientsFor('210987654321', 'us-east-1');
    const ecs = new ECSClient({ ...clients.clientConfig });
    try {
      for (const taskDefinition of ['jenkins:2', 'jenkins:3'])
        await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition }));
    } finally {
      ecs.destroy();
    }
  }

  it('the approved cutover is applied; the standalone revision waived by the admin, the file system is cut over', async () => {
    // The service's deployment, watched on the estate's fast clock, until the new revision runs.
    const service = page.locator('.message', { hasText: /jenkins \(jenkins\): verified/ });
    await service.first().waitFor({ timeout: 60_000 });
    await shot('cutover-applied');
    // jenkins:2 is no service's: its callers are the owner's to move, or an admin waives it.
    await button(/^Waive$/).waitFor({ timeout: 30_000 });
    await button(/^Waive$/).click();
    const modal = page.locator('#modal');
    await expect
      .poll(() => modal.locator('.title').textContent(), { timeout: 15_000 })
      .toBe('Waive consumer');
    await modal.locator('.input textarea, .input input').first().fill('no scheduled task runs jenkins:2');
    await modal.locator('#modal-submit').click();
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', timeout: 15_000 });
    await button('Decommission…').waitFor({ timeout: 30_000 });
    await shot('cut-over');
  }, 120_000);

  it('decommission: the typed confirmation refuses a wrong ID in the modal, and the right one deletes', async () => {
    // The source must stay idle EFS_ENCRYPT_IDLE_HOURS after the cutover: the page skips the clock.
    const before = await page.locator('#clock-now').getAttribute('datetime');
    await page.locator('#skip-clock').click();
    await expect
      .poll(async () => Date.parse((await page.locator('#clock-now').getAttribute('datetime'))!))
      .toBeGreaterThan(Date.parse(before!) + 24 * 3_600_000);

    const modal = page.locator('#modal');
    const openDecommission = async () => {
      await button('Decommission…').click();
      await expect
        .poll(() => modal.locator('.title').textContent(), { timeout: 15_000 })
        .toBe('Decommission');
      // The guards are read after the modal opens (views.update).
      await modal
        .locator('.section', { hasText: 'What will be deleted, in order' })
        .waitFor({ timeout: 30_000 });
      return (await modal.locator('.content').textContent())!;
    };
    // The old revisions jenkins:2 and jenkins:3 are ACTIVE and still name the source: the guard says so.
    const refused = await openDecommission();
    expect(refused).toMatch(/jenkins:2 still references the source/);
    await shot('decommission-guard-refuses');
    await modal.locator('button', { hasText: 'Cancel' }).click();
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', timeout: 15_000 });
    // What the guard's to-do asks of the owner, done in the account as they would: deregister them.
    await deregisterOldJenkinsRevisions();
    const guards = await openDecommission();
    expect(guards).toContain('0 consumer(s) found now');
    expect(guards).not.toContain('still references the source');
    await shot('decommission-modal');

    const typed = modal.locator('.input input');
    await typed.fill('fs-00000000000000000');
    await modal.locator('#modal-submit').click();
    const error = modal.locator('.input .error');
    await error.waitFor({ timeout: 15_000 });
    const refusal = (await error.textContent())!;
    const [, fileSystemId] =
      /Type exactly (fs-[0-9a-f]+) to confirm; nothing was deleted/.exec(refusal) ?? [];
    expect(fileSystemId).toBeDefined();
    await shot('decommission-wrong-id');

    await typed.fill(fileSystemId!);
    await modal.locator('#modal-submit').click();
    await page.locator('#modal-backdrop').waitFor({ state: 'hidden', timeout: 15_000 });
    await page
      .locator('.message', { hasText: `${fileSystemId} is decommissioned.` })
      .first()
      .waitFor({ timeout: 60_000 });
    const migration = (await world.runtime.store.migrations.listMigrations()).find(
      (m) => m.fileSystemId === fileSystemId,
    );
    expect(migration?.state).toBe('decommissioned');
    decommissioned = migration!.id;
    await shot('decommissioned');
  }, 120_000);

  it('/efs-encrypt validate posts the report; its export downloads as a file naming the migration', async () => {
    await page.fill('#command', '/efs-encrypt validate');
    await page.press('#command', 'Enter');
    const report = page.locator('#channel .message', { hasText: 'Validation report:' });
    await report.first().waitFor({ timeout: 60_000 });
    await shot('validation-report');
    await report.first().locator('button', { hasText: 'Export CSV + JSON + Markdown' }).click();
    // The files go to the report's thread, as in Slack.
    await report.first().locator('.replies').click();
    const link = page.locator('#thread .message .file a', { hasText: /Validation report .*\(JSON\)/ });
    await link.first().waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.first().click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const saved = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(saved);
    const content = readFileSync(saved, 'utf8');
    expect(content).toContain(decommissioned);
    expect(content).toContain('decommissioned');
    await shot('validation-export');
  }, 90_000);

  it('/efs-encrypt digest posts the digest in the channel', async () => {
    await page.fill('#command', '/efs-encrypt digest');
    await page.press('#command', 'Enter');
    await page
      .locator('#channel .message .header', { hasText: 'EFS encryption digest' })
      .first()
      .waitFor({ timeout: 60_000 });
    await shot('digest');
  }, 90_000);

  it('someone without a role is refused privately, and the admin does not see it', async () => {
    await page.selectOption('#act-as', 'U0SOMEONE1');
    await page.locator('#channel .message button', { hasText: 'Plan migrations…' }).first().click();
    const refusal = page.locator('.message.ephemeral');
    await refusal.first().waitFor({ timeout: 15_000 });
    const refused = (await refusal.first().textContent())!;
    expect(refused).toMatch(/admin/i);
    expect(await page.locator('#modal-backdrop').isHidden()).toBe(true);
    await shot('refused');
    await page.selectOption('#act-as', 'U0SANDADMIN');
    await expect.poll(() => page.locator('#act-as').inputValue()).toBe('U0SANDADMIN');
    await expect.poll(() => page.locator('.message.ephemeral').allTextContents()).not.toContain(refused);
    // Every block and view the bot sent on this walk passed Slack's rules.
    expect(world.sandbox.server.channel.rejected).toEqual([]);
  }, 30_000);

  it('an invalid block the bot would send is refused, shown in red on the page, and fails the walk', async () => {
    // A builder that forgot to clip: an image's alt_text over Slack's 2000 characters, sent with
    // the bot's own Web API client, as a listener would send it.
    await expect(
      world.sandbox.slack.app.client.chat.postMessage({
        channel: world.sandbox.server.channel.channelId,
        text: 'a chart',
        blocks: [{ type: 'image', image_url: 'https://example.com/c.png', alt_text: 'x'.repeat(2001) }],
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const shown = page.locator('#rejected .rejected', { hasText: 'invalid_blocks' });
    await shown.waitFor({ timeout: 15_000 });
    expect(await shown.textContent()).toContain('alt_text 2001 chars (max 2000)');
    await shot('invalid-blocks-shown');
    // The walk's own check (every call accepted) now fails, as it would on a builder's mistake.
    expect(() => expect(world.sandbox.server.channel.rejected).toEqual([])).toThrow();
  }, 30_000);
});
