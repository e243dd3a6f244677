//! The World inspector: a tree of the running game's entities, their components and script
//! instances (`self`), refreshed about twice a second while visible; leaves are editable.
//
// The tree's shape is inspector_model.ts; this file only asks the game (dev_client.ts) and shows it.

import * as vscode from 'vscode';
import { DevClient } from './dev_client';
import { EntityDetail, EntitySummary } from './dev_protocol';
import { editRequest, entityChildren, entityNode, Node, parseEdit } from './inspector_model';

export const INSPECTOR_VIEW = 'crescent.inspector';
export const EDIT_VALUE_COMMAND = 'crescent.inspector.editValue';
export const REFRESH_INSPECTOR_COMMAND = 'crescent.inspector.refresh';
const POLL_MS = 500;

export class Inspector implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private entities: EntitySummary[] = [];
  private readonly details = new Map<number, EntityDetail>();
  private readonly expanded = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private shown = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: DevClient) {
    this.view = vscode.window.createTreeView(INSPECTOR_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility(() => this.schedule()),
      this.view.onDidExpandElement((e) => {
        if (e.element.kind === 'entity') {
          this.expanded.add(e.element.entity.id);
          void this.poll();
        }
      }),
      this.view.onDidCollapseElement((e) => {
        if (e.element.kind === 'entity') this.expanded.delete(e.element.entity.id);
      }),
    );
    const onConnection = () => {
      this.updateMessage();
      void this.poll();
    };
    client.on('connected', onConnection);
    client.on('disconnected', onConnection);
    this.updateMessage();
    this.schedule();
  }

  private updateMessage(): void {
    this.view.message = this.client.isConnected ? undefined : 'No game running: start one with Crescent: Run Game (crescent run --watch).';
    if (!this.client.isConnected) {
      this.entities = [];
      this.details.clear();
      this.publish();
    }
  }

  private schedule(): void {
    if (this.view.visible && this.timer === undefined) {
      this.timer = setInterval(() => void this.poll(), POLL_MS);
      void this.poll();
    } else if (!this.view.visible && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Asks for the entity list and the expanded entities' details; redraws only what changed. */
  async poll(): Promise<void> {
    if (this.busy || !this.client.isConnected) return;
    this.busy = true;
    try {
      const list = await this.client.inspect({ command: 'entities' });
      if (list.kind === 'entities') this.entities = list.entities.slice().sort((a, b) => a.id - b.id);
      const live = new Set(this.entities.map((e) => e.id));
      for (const id of [...this.details.keys()]) if (!live.has(id)) this.details.delete(id);
      for (const id of this.expanded) {
        if (!live.has(id)) continue;
        const r = await this.client.inspect({ command: 'entity', entity: id });
        if (r.kind === 'entity') this.details.set(id, r.entity);
      }
      this.publish();
    } catch {
      // A dropped connection: the next poll after the reconnection catches up.
    } finally {
      this.busy = false;
    }
  }

  private publish(): void {
    const now = JSON.stringify([this.entities, [...this.details.entries()]]);
    if (now !== this.shown) {
      this.shown = now;
      this.changed.fire(undefined);
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const expandable = node.kind === 'entity' || (node.kind === 'group' ? node.children.length > 0 : node.children.length > 0);
    const item = new vscode.TreeItem(node.label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    if (node.kind === 'entity') {
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.contextValue = 'entity';
      item.tooltip = `entity ${node.entity.id}${node.entity.name !== undefined ? ` (${node.entity.name})` : ''}`;
    } else if (node.kind === 'group') {
      item.iconPath = new vscode.ThemeIcon(node.description === 'self' ? 'file-code' : 'symbol-structure');
    } else {
      item.contextValue = node.edit !== undefined ? 'editable' : 'value';
      item.tooltip = `${node.label} = ${node.description}`;
    }
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node === undefined) return this.entities.map(entityNode);
    if (node.kind === 'entity') {
      const id = node.entity.id;
      this.expanded.add(id);
      let detail = this.details.get(id);
      if (detail === undefined) {
        // Opened before the poll fetched it: ask now, so that the node opens with its children.
        try {
          const r = await this.client.inspect({ command: 'entity', entity: id });
          if (r.kind === 'entity') this.details.set(id, (detail = r.entity));
        } catch {
          return [];
        }
      }
      return detail === undefined ? [] : entityChildren(detail);
    }
    return node.children;
  }

  getParent(): Node | undefined {
    return undefined;
  }

  /** Shows and selects an entity (the scene view's click). */
  async reveal(entityId: number): Promise<void> {
    const entity = this.entities.find((e) => e.id === entityId);
    if (entity === undefined) return;
    await this.view.reveal(entityNode(entity), { select: true, focus: true, expand: true });
  }

  /** Edit Value: an input box, then set_component or set_self; the game's refusal is shown. */
  async edit(node: Node | undefined): Promise<void> {
    node ??= this.view.selection[0];
    if (node === undefined || node.kind !== 'value' || node.edit === undefined) {
      void vscode.window.showInformationMessage('Crescent: select a value (a number, a string, a boolean) in the World inspector to edit it.');
      return;
    }
    const target = node.edit;
    const detail = this.details.get(target.entity);
    if (detail === undefined) return;
    const old = node.value;
    const text = await vscode.window.showInputBox({
      title: `Set ${node.label}`,
      prompt: `New value for ${node.label} (${typeof old}) of entity ${target.entity}`,
      value: typeof old === 'string' ? old : String(old),
      validateInput: (t) => {
        const p = parseEdit(t, old);
        return 'error' in p ? p.error : undefined;
      },
    });
    if (text === undefined) return;
    const parsed = parseEdit(text, old);
    if ('error' in parsed) return;
    try {
      const result = await this.client.inspect(editRequest(detail, target, parsed.value));
      if (result.kind === 'error') {
        void vscode.window.showErrorMessage(`Crescent: the game refused the edit: ${result.message}`);
        return;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`Crescent: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    await this.poll();
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
