//! Puts the status model (status.ts) on the status bar: one item, click to show the log.

import * as vscode from 'vscode';
import { INITIAL_STATUS, renderStatus, StatusState } from './status';

export const SHOW_LOG_COMMAND = 'crescent.showLog';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: StatusState = INITIAL_STATUS;

  constructor() {
    this.item = vscode.window.createStatusBarItem('crescent.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Crescent';
    this.item.command = SHOW_LOG_COMMAND;
    this.render();
    this.item.show();
  }

  get state(): StatusState {
    return this.current;
  }

  /** Applies one state change and redraws. */
  update(change: (state: StatusState) => StatusState): void {
    this.current = change(this.current);
    this.render();
  }

  private render(): void {
    const view = renderStatus(this.current);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
