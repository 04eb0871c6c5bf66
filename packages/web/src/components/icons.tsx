import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

/** An outline icon drawn on a 24×24 grid; the stroke follows the text colour. Decorative (hidden from screen readers). */
function OutlineIcon({ paths, size = 18, ...props }: IconProps & { paths: string[] }) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

const iconPlusPaths = ['M12 5v14', 'M5 12h14'];
export const IconPlus = (props: IconProps) => <OutlineIcon paths={iconPlusPaths} {...props} />;
const iconChevronDownPaths = ['M6 9l6 6l6 -6'];
export const IconChevronDown = (props: IconProps) => <OutlineIcon paths={iconChevronDownPaths} {...props} />;
const iconChevronRightPaths = ['M9 6l6 6l-6 6'];
export const IconChevronRight = (props: IconProps) => <OutlineIcon paths={iconChevronRightPaths} {...props} />;
const iconEyePaths = ['M10 12a2 2 0 1 0 4 0a2 2 0 0 0 -4 0', 'M21 12c-2.4 4 -5.4 6 -9 6c-3.6 0 -6.6 -2 -9 -6c2.4 -4 5.4 -6 9 -6c3.6 0 6.6 2 9 6'];
export const IconEye = (props: IconProps) => <OutlineIcon paths={iconEyePaths} {...props} />;
const iconEyeOffPaths = ['M10.585 10.587a2 2 0 0 0 2.829 2.828', 'M16.681 16.673a8.717 8.717 0 0 1 -4.681 1.327c-3.6 0 -6.6 -2 -9 -6c1.272 -2.12 2.712 -3.678 4.32 -4.674m2.86 -1.146a9.055 9.055 0 0 1 1.82 -.18c3.6 0 6.6 2 9 6c-.666 1.11 -1.379 2.067 -2.138 2.87', 'M3 3l18 18'];
export const IconEyeOff = (props: IconProps) => <OutlineIcon paths={iconEyeOffPaths} {...props} />;
const iconCopyPaths = ['M8 8m0 2a2 2 0 0 1 2 -2h8a2 2 0 0 1 2 2v8a2 2 0 0 1 -2 2h-8a2 2 0 0 1 -2 -2z', 'M16 8v-2a2 2 0 0 0 -2 -2h-8a2 2 0 0 0 -2 2v8a2 2 0 0 0 2 2h2'];
export const IconCopy = (props: IconProps) => <OutlineIcon paths={iconCopyPaths} {...props} />;
const iconCheckPaths = ['M5 12l5 5l10 -10'];
export const IconCheck = (props: IconProps) => <OutlineIcon paths={iconCheckPaths} {...props} />;
const iconTrashPaths = ['M4 7h16', 'M10 11v6', 'M14 11v6', 'M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2 -2l1 -12', 'M9 7v-3a1 1 0 0 1 1 -1h4a1 1 0 0 1 1 1v3'];
export const IconTrash = (props: IconProps) => <OutlineIcon paths={iconTrashPaths} {...props} />;
const iconPencilPaths = ['M4 20h4l10.5 -10.5a2.828 2.828 0 1 0 -4 -4l-10.5 10.5v4', 'M13.5 6.5l4 4'];
export const IconPencil = (props: IconProps) => <OutlineIcon paths={iconPencilPaths} {...props} />;
const iconHistoryPaths = ['M12 8l0 4l2 2', 'M3.05 11a9 9 0 1 1 .5 4m-.5 5v-5h5'];
export const IconHistory = (props: IconProps) => <OutlineIcon paths={iconHistoryPaths} {...props} />;
const iconLockPaths = ['M5 13a2 2 0 0 1 2 -2h10a2 2 0 0 1 2 2v6a2 2 0 0 1 -2 2h-10a2 2 0 0 1 -2 -2z', 'M11 16a1 1 0 1 0 2 0a1 1 0 0 0 -2 0', 'M8 11v-4a4 4 0 1 1 8 0v4'];
export const IconLock = (props: IconProps) => <OutlineIcon paths={iconLockPaths} {...props} />;
const iconRotatePaths = ['M20 11a8.1 8.1 0 0 0 -15.5 -2m-.5 -4v4h4', 'M4 13a8.1 8.1 0 0 0 15.5 2m.5 4v-4h-4'];
export const IconRotate = (props: IconProps) => <OutlineIcon paths={iconRotatePaths} {...props} />;
const iconFolderPaths = ['M5 4h4l3 3h7a2 2 0 0 1 2 2v8a2 2 0 0 1 -2 2h-14a2 2 0 0 1 -2 -2v-11a2 2 0 0 1 2 -2'];
export const IconFolder = (props: IconProps) => <OutlineIcon paths={iconFolderPaths} {...props} />;
const iconKeyPaths = ['M16.555 3.843l3.602 3.602a2.877 2.877 0 0 1 0 4.069l-2.643 2.643a2.877 2.877 0 0 1 -4.069 0l-.301 -.301l-6.558 6.558a2 2 0 0 1 -1.239 .578l-.175 .008h-1.172a1 1 0 0 1 -.993 -.883l-.007 -.117v-1.172a2 2 0 0 1 .467 -1.284l.119 -.13l.414 -.414h2v-2h2v-2l2.144 -2.144l-.301 -.301a2.877 2.877 0 0 1 0 -4.069l2.643 -2.643a2.877 2.877 0 0 1 4.069 0z', 'M15 9h.01'];
export const IconKey = (props: IconProps) => <OutlineIcon paths={iconKeyPaths} {...props} />;
const iconDotsPaths = ['M5 12m-1 0a1 1 0 1 0 2 0a1 1 0 1 0 -2 0', 'M12 12m-1 0a1 1 0 1 0 2 0a1 1 0 1 0 -2 0', 'M19 12m-1 0a1 1 0 1 0 2 0a1 1 0 1 0 -2 0'];
export const IconDots = (props: IconProps) => <OutlineIcon paths={iconDotsPaths} {...props} />;
const iconSearchPaths = ['M10 10m-7 0a7 7 0 1 0 14 0a7 7 0 1 0 -14 0', 'M21 21l-6 -6'];
export const IconSearch = (props: IconProps) => <OutlineIcon paths={iconSearchPaths} {...props} />;
const iconLogoutPaths = ['M14 8v-2a2 2 0 0 0 -2 -2h-7a2 2 0 0 0 -2 2v12a2 2 0 0 0 2 2h7a2 2 0 0 0 2 -2v-2', 'M9 12h12l-3 -3', 'M18 15l3 -3'];
export const IconLogout = (props: IconProps) => <OutlineIcon paths={iconLogoutPaths} {...props} />;
const iconUsersPaths = ['M9 7m-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0', 'M3 21v-2a4 4 0 0 1 4 -4h4a4 4 0 0 1 4 4v2', 'M16 3.13a4 4 0 0 1 0 7.75', 'M21 21v-2a4 4 0 0 0 -3 -3.85'];
export const IconUsers = (props: IconProps) => <OutlineIcon paths={iconUsersPaths} {...props} />;
const iconRobotPaths = ['M6 4m0 2a2 2 0 0 1 2 -2h8a2 2 0 0 1 2 2v4a2 2 0 0 1 -2 2h-8a2 2 0 0 1 -2 -2z', 'M12 2v2', 'M9 12v9', 'M15 12v9', 'M5 16l4 -2', 'M15 14l4 2', 'M9 18h6', 'M10 8v.01', 'M14 8v.01'];
export const IconRobot = (props: IconProps) => <OutlineIcon paths={iconRobotPaths} {...props} />;
const iconPlugPaths = ['M9.785 6l8.215 8.215l-2.054 2.054a5.81 5.81 0 1 1 -8.215 -8.215l2.054 -2.054z', 'M4 20l3.5 -3.5', 'M15 4l-3.5 3.5', 'M20 9l-3.5 3.5'];
export const IconPlug = (props: IconProps) => <OutlineIcon paths={iconPlugPaths} {...props} />;
const iconListPaths = ['M9 6l11 0', 'M9 12l11 0', 'M9 18l11 0', 'M5 6l0 .01', 'M5 12l0 .01', 'M5 18l0 .01'];
export const IconList = (props: IconProps) => <OutlineIcon paths={iconListPaths} {...props} />;
const iconGridPaths = ['M4 4h6v6h-6z', 'M14 4h6v6h-6z', 'M4 14h6v6h-6z', 'M14 14h6v6h-6z'];
export const IconGrid = (props: IconProps) => <OutlineIcon paths={iconGridPaths} {...props} />;
const iconAlertPaths = ['M12 9v4', 'M10.363 3.591l-8.106 13.534a1.914 1.914 0 0 0 1.636 2.871h16.214a1.914 1.914 0 0 0 1.636 -2.87l-8.106 -13.536a1.914 1.914 0 0 0 -3.274 0z', 'M12 16h.01'];
export const IconAlert = (props: IconProps) => <OutlineIcon paths={iconAlertPaths} {...props} />;
const iconInfoPaths = ['M3 12a9 9 0 1 0 18 0a9 9 0 0 0 -18 0', 'M12 9h.01', 'M11 12h1v4h1'];
export const IconInfo = (props: IconProps) => <OutlineIcon paths={iconInfoPaths} {...props} />;
const iconArrowLeftPaths = ['M5 12l14 0', 'M5 12l6 6', 'M5 12l6 -6'];
export const IconArrowLeft = (props: IconProps) => <OutlineIcon paths={iconArrowLeftPaths} {...props} />;
const iconShieldPaths = ['M12 3a12 12 0 0 0 8.5 3a12 12 0 0 1 -8.5 15a12 12 0 0 1 -8.5 -15a12 12 0 0 0 8.5 -3'];
export const IconShield = (props: IconProps) => <OutlineIcon paths={iconShieldPaths} {...props} />;
const iconClockPaths = ['M3 12a9 9 0 1 0 18 0a9 9 0 0 0 -18 0', 'M12 7v5l3 3'];
export const IconClock = (props: IconProps) => <OutlineIcon paths={iconClockPaths} {...props} />;
const iconExternalPaths = ['M12 6h-6a2 2 0 0 0 -2 2v10a2 2 0 0 0 2 2h10a2 2 0 0 0 2 -2v-6', 'M11 13l9 -9', 'M15 4h5v5'];
export const IconExternal = (props: IconProps) => <OutlineIcon paths={iconExternalPaths} {...props} />;
const iconSettingsPaths = ['M10.325 4.317c.426 -1.756 2.924 -1.756 3.35 0a1.724 1.724 0 0 0 2.573 1.066c1.543 -.94 3.31 .826 2.37 2.37a1.724 1.724 0 0 0 1.065 2.572c1.756 .426 1.756 2.924 0 3.35a1.724 1.724 0 0 0 -1.066 2.573c.94 1.543 -.826 3.31 -2.37 2.37a1.724 1.724 0 0 0 -2.572 1.065c-.426 1.756 -2.924 1.756 -3.35 0a1.724 1.724 0 0 0 -2.573 -1.066c-1.543 .94 -3.31 -.826 -2.37 -2.37a1.724 1.724 0 0 0 -1.065 -2.572c-1.756 -.426 -1.756 -2.924 0 -3.35a1.724 1.724 0 0 0 1.066 -2.573c-.94 -1.543 .826 -3.31 2.37 -2.37c1 .608 2.296 .07 2.572 -1.065z', 'M9 12a3 3 0 1 0 6 0a3 3 0 0 0 -6 0'];
export const IconSettings = (props: IconProps) => <OutlineIcon paths={iconSettingsPaths} {...props} />;

/** Simplified Azure mark, for the provider badge (brand colours, not the text colour). */
export function AzureLogo({ size = 14 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 96 96" aria-hidden="true" focusable="false">
      <path fill="#0a6ed1" d="M33.3 6.5h26.6L32.3 88.4a4.2 4.2 0 0 1-4 2.9H7.6a4.2 4.2 0 0 1-4-5.6L29.3 9.4a4.2 4.2 0 0 1 4-2.9z" />
      <path fill="#1f9bea" d="M72 61.6H29.8a2 2 0 0 0-1.3 3.4l27.1 25.3a4.3 4.3 0 0 0 2.9 1.1h23.9z" />
      <path fill="#2bb0f0" d="M63.7 9.4a4.2 4.2 0 0 0-4-2.9H30a4.2 4.2 0 0 1 4 2.9l25.7 76.3a4.2 4.2 0 0 1-4 5.6h29.6a4.2 4.2 0 0 0 4-5.6z" />
    </svg>
  );
}
