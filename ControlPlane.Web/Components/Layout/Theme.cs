using MudBlazor;

namespace ControlPlane.Web.Components.Layout;

/// <summary>The product's palette, light and dark.</summary>
public static class Theme
{
    public static readonly MudTheme Value = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
            Background = "#f5f6fa",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7986cb",
            Secondary = "#4db6ac",
            AppbarBackground = "#1a1f3a",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "232px" },
    };
}
