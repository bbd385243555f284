/**
 * The one place the extension reads its settings: every value is checked (settingsProtocol.ts),
 * an unusable one is reported once in the output channel and the default is used instead.
 */
import * as vscode from 'vscode';
import { resolveOwner } from '../core/owner';
import { SETTINGS, settingProblemMessage, type SettingName, type SettingValue } from './settingsProtocol';

class ExtensionSettings {
  /** The problem last reported per key, so a bad value is reported once, not at every read. */
  private readonly reported = new Map<string, string>();
  private report: (message: string) => void = (message) => console.warn(message);

  /** Where problems go (the extension's output channel). */
  reportTo(report: (message: string) => void): void {
    this.report = report;
  }

  get<K extends SettingName>(name: K): SettingValue<K> {
    const spec = SETTINGS[name];
    const { value, problem } = spec.check(vscode.workspace.getConfiguration().get<unknown>(spec.key));
    if (!problem) this.reported.delete(spec.key);
    else if (this.reported.get(spec.key) !== problem) {
      this.reported.set(spec.key, problem);
      this.report(settingProblemMessage(spec, problem));
    }
    return value as SettingValue<K>;
  }

  /** The full key, e.g. for Open Settings or a message. */
  key(name: SettingName): string {
    return SETTINGS[name].key;
  }

  /** Whether a configuration change touches any of the settings named. */
  affects(e: vscode.ConfigurationChangeEvent, ...names: SettingName[]): boolean {
    return names.some((n) => e.affectsConfiguration(SETTINGS[n].key));
  }

  /** Writes a setting where it is currently decided (workspace folder, workspace, else user). */
  async update<K extends SettingName>(name: K, value: SettingValue<K>): Promise<void> {
    const key = SETTINGS[name].key;
    const config = vscode.workspace.getConfiguration();
    const inspected = config.inspect(key);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
  }
}

/** Who is working: the owner setting, else git's `user.name`, else the login name. */
export async function currentOwner(root: string): Promise<string> {
  return (await resolveOwner(root, settings.get('owner'))).name;
}

/** The extension's settings; features.ts points its reports at the output channel and hands it to the language client. */
export const settings = new ExtensionSettings();
