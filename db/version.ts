// The program's version, written into exchange packages. Kept in code (not read from package.json at run time)
// so the bundled Electron main process carries it; a unit test holds it equal to package.json.
export const APP_VERSION = '0.1.0';
