// The application menu. Reload and developer tools exist only while developing: in the packaged app a
// reload would drop the renderer's state and dev tools would let anyone script the page.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newRun(): void;
  openRunsFolder(): void;
  openReadme(): void;
  showAbout(): void;
}

export interface MenuContext {
  isDev: boolean;
  isMac: boolean;
}

export function appMenuTemplate(
  actions: MenuActions,
  { isDev, isMac }: MenuContext,
): MenuItemConstructorOptions[] {
  const devItems: MenuItemConstructorOptions[] = isDev
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'New Run…', accelerator: 'CmdOrCtrl+N', click: () => actions.newRun() },
        { label: 'Open Runs Folder', click: () => actions.openRunsFolder() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...devItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'RaPTr Studio README', click: () => actions.openReadme() },
        { label: 'About RaPTr Studio', click: () => actions.showAbout() },
      ],
    },
  ];
  // macOS puts the app's own menu (About, Hide, Quit) first.
  return isMac ? [{ role: 'appMenu' }, ...template] : template;
}
