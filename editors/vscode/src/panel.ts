//! Crescent: Show Game Panel — a webview with the frame-time graph, the top-scripts table, a
//! top-down scene view of the entities (a click selects the entity in the World inspector) and a
//! Record trace button.
//
// The numbers are stats_window.ts's; the page (panel_html.ts) only draws what it is sent.

import * as vscode from 'vscode';
import { DevClient } from './dev_client';
import { FromGame } from './dev_protocol';
import { panelHtml } from './panel_html';
import { StatsWindow } from './stats_window';

export const SHOW_PANEL_COMMAND = 'crescent.showGamePanel';
const TRACE_FRAMES = 120;
const SCENE_POLL_MS = 500;

export class GamePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly stats = new StatsWindow();
  private sceneTimer: NodeJS.Timeout | undefined;
  private sceneBusy = false;
  private readonly onMessage = (msg: FromGame) => {
    if (msg.type === 'stats') {
      this.stats.push(msg.stats, Date.now());
      this.post({ type: 'stats', history: this.stats.history, rows: this.stats.topScripts(), latest: msg.stats });
    }
  };
  private readonly onConnection = () => {
    if (!this.client.isConnected) this.stats.clear();
    this.post({ type: 'connection', connected: this.client.isConnected });
  };

  constructor(private readonly client: DevClient, private readonly select: (entity: number) => Promise<void>, private readonly log: (line: string) => void) {
    client.on('message', this.onMessage);
    client.on('connected', this.onConnection);
    client.on('disconnected', this.onConnection);
    // The stats stream costs the game little; subscribing early fills the window before the panel opens.
    client.wantStats();
  }

  private post(message: unknown): void {
    void this.panel?.webview.postMessage(message);
  }

  show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel('crescent.gamePanel', 'Crescent Game', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    this.panel = panel;
    const nonce = Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    panel.webview.html = panelHtml(nonce, panel.webview.cspSource);
    panel.webview.onDidReceiveMessage((m: { type: string; entity?: number }) => {
      if (m.type === 'ready') {
        this.post({ type: 'connection', connected: this.client.isConnected });
        this.post({ type: 'stats', history: this.stats.history, rows: this.stats.topScripts(), latest: this.stats.latest });
      } else if (m.type === 'select' && typeof m.entity === 'number') {
        void this.select(m.entity);
      } else if (m.type === 'record') {
        void this.recordTrace();
      }
    });
    this.sceneTimer = setInterval(() => void this.pollScene(), SCENE_POLL_MS);
    panel.onDidDispose(() => {
      this.panel = undefined;
      if (this.sceneTimer !== undefined) clearInterval(this.sceneTimer);
      this.sceneTimer = undefined;
    });
  }

  private async pollScene(): Promise<void> {
    if (this.sceneBusy || !this.client.isConnected || this.panel?.visible !== true) return;
    this.sceneBusy = true;
    try {
      const r = await this.client.inspect({ command: 'entities' });
      if (r.kind === 'entities') this.post({ type: 'entities', entities: r.entities });
    } catch {
      // Next time.
    } finally {
      this.sceneBusy = false;
    }
  }

  private async recordTrace(): Promise<void> {
    this.post({ type: 'trace', state: 'recording', text: `Recording ${TRACE_FRAMES} frames…` });
    try {
      const t = await this.client.recordTrace(TRACE_FRAMES);
      const text = `Trace recorded: ${t.path} (${t.frames} frames, ${t.events} events)`;
      this.log(text);
      this.post({ type: 'trace', state: 'done', text, path: t.path });
      const choice = await vscode.window.showInformationMessage(`Crescent: ${text}. Open it in ui.perfetto.dev or chrome://tracing.`, 'Open File', 'Reveal in Explorer');
      const uri = vscode.Uri.file(t.path);
      if (choice === 'Open File') await vscode.commands.executeCommand('vscode.open', uri);
      else if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', uri);
    } catch (e) {
      const text = `Recording failed: ${e instanceof Error ? e.message : String(e)}`;
      this.post({ type: 'trace', state: 'failed', text });
      void vscode.window.showErrorMessage(`Crescent: ${text}`);
    }
  }

  dispose(): void {
    this.client.off('message', this.onMessage);
    this.client.off('connected', this.onConnection);
    this.client.off('disconnected', this.onConnection);
    this.panel?.dispose();
  }
}
