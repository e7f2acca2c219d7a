import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { ProtectorProvider, type ProtectorProviderProps, terraformPlatform } from '../../../constructs';
import { ProtectorProvider as ProtectorProviderResource } from '../../../constructs/.gen/providers/protector/provider';
import { version } from '../../../package.json';

describe('ProtectorProvider', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protector-provider-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in executable: `terraform init` only installs it, it never runs it. */
  function fakeBundle(): string {
    const bundle = path.join(dir, 'terraform-provider-protector');
    fs.writeFileSync(bundle, '#!/usr/bin/env node\nprocess.exit(1);\n');
    return bundle;
  }

  test('configures the provider block and requires protector-iac/protector at the package version', () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), 'test');
    // WHEN
    new ProtectorProvider(stack, 'protector', {
      edgerc: '~/.edgerc',
      section: 'protector',
      endpoint: 'http://127.0.0.1:8080',
      requestTimeout: '45s',
      maxRetries: 3,
      installInStackOutput: false,
    });
    // THEN
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveProviderWithProperties(ProtectorProviderResource, {
      edgerc: '~/.edgerc',
      section: 'protector',
      endpoint: 'http://127.0.0.1:8080',
      request_timeout: '45s',
      max_retries: 3,
    });
    expect(JSON.parse(synthesized).terraform.required_providers.protector).toEqual({ source: 'protector-iac/protector', version });
  });

  test("places the provider executable in the stack output's implied local mirror at synth", () => {
    // GIVEN
    const bundle = fakeBundle();
    const app = new App({ outdir: path.join(dir, 'out') });
    const stack = new TerraformStack(app, 'edge');
    new ProtectorProvider(stack, 'protector', { bundlePath: bundle });
    // WHEN
    app.synth();
    // THEN
    const installed = path.join(
      dir,
      'out',
      'stacks',
      'edge',
      'terraform.d',
      'plugins',
      'registry.terraform.io',
      'protector-iac',
      'protector',
      version,
      terraformPlatform(),
      `terraform-provider-protector_v${version}`,
    );
    expect(fs.readFileSync(installed, 'utf8')).toBe(fs.readFileSync(bundle, 'utf8'));
    expect(fs.statSync(installed).mode & 0o111).toBe(0o111);
  });

  test('terraform init in the synthesized stack finds the provider offline with no install step', () => {
    // GIVEN
    const app = new App({ outdir: path.join(dir, 'out') });
    const stack = new TerraformStack(app, 'edge');
    new ProtectorProvider(stack, 'protector', { bundlePath: fakeBundle() });
    app.synth();
    const stackDir = path.join(dir, 'out', 'stacks', 'edge');
    // The synth wrote the provider's lock entry (so `cdktf deploy` needs no --skip-provider-lock)
    const synthesizedLock = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
    const cliConfig = path.join(dir, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    // WHEN
    execFileSync('terraform', ['init', '-input=false', '-no-color'], {
      cwd: stackDir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_PLUGIN_CACHE_DIR: '' },
      stdio: 'pipe',
      timeout: 120_000,
    });
    // THEN
    const lock = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`provider "registry.terraform.io/protector-iac/protector"`);
    expect(lock).toContain(`version     = "${version}"`);
    // AND terraform init agreed with its hash of the mirrored package: it left the file as it was
    expect(lock).toBe(synthesizedLock);
  }, 180_000);

  test('a missing executable fails the synth saying how to build it', () => {
    const app = new App({ outdir: path.join(dir, 'out') });
    const stack = new TerraformStack(app, 'edge');
    new ProtectorProvider(stack, 'protector', { bundlePath: path.join(dir, 'missing') });
    expect(() => app.synth()).toThrow(/the provider executable ".*missing" does not exist.*npm run build:provider/);
  });

  test('installInStackOutput false leaves the stack output without a mirror', () => {
    const app = new App({ outdir: path.join(dir, 'out') });
    const stack = new TerraformStack(app, 'edge');
    new ProtectorProvider(stack, 'protector', { installInStackOutput: false, bundlePath: path.join(dir, 'missing') });
    app.synth();
    expect(fs.existsSync(path.join(dir, 'out', 'stacks', 'edge', 'terraform.d'))).toBe(false);
  });

  test.each<[string, ProtectorProviderProps, RegExp]>([
    ['an empty edgerc', { edgerc: ' ' }, /`edgerc` must be a file path, got " "/],
    ['a bad section', { section: 'my section' }, /`section` must be a section name.*got "my section"/],
    ['an endpoint without scheme', { endpoint: '127.0.0.1:8080' }, /`endpoint` must be a URL.*got "127.0.0.1:8080"/],
    ['an endpoint with a path', { endpoint: 'https://api.example.com/v1' }, /`endpoint` must be a URL.*got "https:\/\/api.example.com\/v1"/],
    ['a bad request timeout', { requestTimeout: '30' }, /`requestTimeout` must be from "1s" to "10m".*got "30"/],
    ['a too long request timeout', { requestTimeout: '11m' }, /`requestTimeout` must be from "1s" to "10m".*got "11m"/],
    ['negative retries', { maxRetries: -1 }, /`maxRetries` must be a whole number from 0 to 10, got -1/],
    ['fractional retries', { maxRetries: 1.5 }, /`maxRetries` must be a whole number from 0 to 10, got 1.5/],
    ['an empty bundle path', { bundlePath: '' }, /`bundlePath` must be the path of the provider executable, got ""/],
    ['a bad alias', { alias: '1st' }, /`alias` must be a Terraform identifier.*got "1st"/],
  ])('rejects %s at construction, naming the prop', (_case, props, expected) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(() => new ProtectorProvider(stack, 'protector', { ...props, installInStackOutput: false })).toThrow(expected);
  });
});
