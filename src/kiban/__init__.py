"""Kiban (基盤): one platform for the research-support systems of Japan's life-science infrastructure."""
