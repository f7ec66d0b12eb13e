/** The application menu: standard roles plus "Open Data Folder". */
import { Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { APP_NAME } from '../transport/appDataFolder';

export function buildAppMenu(dataDir: string, platform: NodeJS.Platform = process.platform): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(platform === 'darwin'
      ? [
          {
            label: APP_NAME,
            submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }],
          } as MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Folder', click: () => void shell.openPath(dataDir) },
        { type: 'separator' },
        platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
