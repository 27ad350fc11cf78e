"""S2 certification of translational research support institutions (橋渡し研究支援機関認定制度)."""
